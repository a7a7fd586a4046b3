# Violence: threats, contract killing, gore, animal cruelty, sexual violence, self-harm methods.
# Crimes named in news (碎尸, 强奸) are `review`; direct threats and offers are `block`.
@category violence
买凶杀人	review
杀手接单	block
替人报仇	block
杀你全家	block
灭你全家	block
灭你满门	block
砍死你	block
捅死你	block
虐猫视频	review
杀人视频	block
自杀方法	block
无痛自杀	block
教你自杀	block
约自杀	block
弄死你	review
打死你	review
雇凶杀人	review
砍人	review
碎尸	review	nopinyin
分尸	review
虐杀	review
虐猫	review
虐待动物	review
血腥视频	review
持刀伤人	review
泼硫酸	review
约架	review
群殴	review
枪杀	review
强奸	review
轮奸	review
迷奸	review
劫持人质	review
投毒	review
烧炭自杀	review
集体自杀	review
割腕	review
报复社会	review
炸学校	review
硫酸毁容	review
活埋	review
怎么自杀	review
# Allow-list
!打死你也想不到
!打死你都想不到
!碎尸万段
!五马分尸
!虐杀原形
