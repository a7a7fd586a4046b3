# Prohibited and controlled items: drugs, weapons, explosives, counterfeit money,
# forged documents, wildlife products, surveillance devices.
# Substance and weapon names alone are `review` (news, medicine, history, films);
# selling/buying/making phrases are `block`.
@category prohibited_items
# --- drugs
冰毒	review	nopinyin
海洛因	review
摇头丸	review
K粉	review
# strict, not nopinyin: skipping the comma in 压力太大，麻了 would read 大麻
大麻	review	strict
可卡因	review
鸦片	review
吗啡	review
芬太尼	review
氯胺酮	review
甲基苯丙胺	review
麻古	review	nopinyin
罂粟壳	review
大麻油	review
大麻烟	review
大麻糖	review
迷幻药	review
迷药	review	nopinyin
春药	review	nopinyin
催情药	review
# strict, not nopinyin: skipping the comma in 他笑，气得不行 would read 笑气
笑气	review	strict
制毒	review	nopinyin
贩毒	review
飞叶子	review
出冰	block
卖冰毒	block
出售冰毒	block
冰毒出售	block
买冰毒	block
求购冰毒	block
海洛因出售	block
出售海洛因	block
出售大麻	block
大麻出售	block
大麻种子出售	block	substring
出售摇头丸	block
出售K粉	block
听话水	block
乖乖水	block
迷奸药	block
羟基丁酸	review
曲马多	review
三唑仑	review
# --- weapons
枪支	review
手枪	review
猎枪	review
气枪	review
仿真枪	review
土枪	review
自制枪	review
弓弩	review
军刺	review
弹簧刀	review
管制刀具	review
电击枪	review
甩棍	review
防身喷雾	review
麻醉枪	review
弩箭	review
钢珠枪	block
气狗	block
火狗	block
出售枪支	block
枪支出售	block
卖枪	block
枪支图纸	block
手枪出售	block
出售手枪	block
猎枪出售	block
# --- explosives
炸药	review
雷管	review
黑火药	review
燃烧瓶	review
炸药配方	block
自制炸药	block
制作炸弹	block
炸弹制作	block
出售炸药	block
出售雷管	block
# --- counterfeit money and forged documents
假币	review	nopinyin
假钞	review	nopinyin
出售假币	block
假币出售	block
办假证	block
假证	review	nopinyin
假发票	review
假文凭	review
假学历	review
假身份证	review
假毕业证	review
办假文凭	block
私刻公章	review
办证刻章	block
# --- controlled devices and wildlife
窃听器	review
针孔摄像头	review
伪基站	review
信号屏蔽器	review
出售象牙	block
象牙制品	review
犀牛角	review
穿山甲鳞片	review
穿山甲片	review
虎骨	review
# Allow-list: innocent words containing a term above
!大麻烦
!大麻哈鱼
!大麻雀
!大麻花
!大麻袋
!大麻绳
!大麻里
!大麻子
!工业大麻
!易制毒
!鸦片战争
!手枪钻
!玩具手枪
!出冰口
!出冰块
!出冰量
!出冰速度
!自动出冰
!冰箱出冰
!制冰机出冰
