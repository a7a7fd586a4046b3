# Terrorism and violent extremism: propaganda material, recruitment, attack methods.
# Names of organisations and attack types are `review` (news reports them daily);
# propaganda media and recruitment phrases are `block`.
@category terrorism
暴恐视频	review
暴恐音视频	review
斩首视频	block
砍头视频	block
血腥斩首	block
加入圣战	block
圣战招募	block
加入伊斯兰国	block
恐怖组织招募	block
圣战视频	block
圣战资料	block
效忠哈里发	block
炸弹教学	block
炸弹教程	block
恐怖袭击	review
恐袭	review
发动恐袭	review
恐怖分子	review
恐怖组织	review
极端组织	review
伊斯兰圣战	review
恐怖主义	review
宣扬恐怖主义	review
极端主义	review
宗教极端	review
宗教极端主义	review
圣战者	review
殉道者	review
爆炸装置	review
圣战士	review
吉哈德	review
伊斯兰国	review
ISIS	review
基地组织	review
博科圣地	review
东伊运	review
哈里发国	review
自杀式袭击	review
人体炸弹	review
人肉炸弹	review
自杀炸弹	review
炸弹背心	review
汽车炸弹	review
炸弹袭击	review
爆炸袭击	review
独狼式袭击	review
毒气袭击	review
沙林毒气	review
劫机	review	nopinyin
# Allow-list: innocent words that contain a term above.
!反劫机
