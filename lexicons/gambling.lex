# Gambling: online casinos, illegal lotteries, betting platforms.
# 赌博 itself is `review` (notices and news say 严禁赌博); recruitment and platform slang is `block`.
# 菠菜 (homophone of 博彩) is left out: it is spinach far more often.
@category gambling
真人荷官	block
荷官发牌	block
真人视讯	block
外围投注	block
足球外围	block
外围盘口	block
投注网站	block
注册送彩金	block	substring
首存送彩金	block	substring
现金网	block
彩票计划群	block
时时彩计划	block
充值返水	block	substring
洗码	block
上下分	block
上分下分	block
私彩	review
皇冠体育	block
沙巴体育	block
太阳城集团	block
ag真人	block
bet365	block
188bet	block
12bet	block
dafabet	block
sbobet	block
pk10	block
赌博	review
网赌	review
网投	review
赌场	review
赌球	review
赌马	review	nopinyin
赌资	review	nopinyin
赌债	review
赌局	review
赌博网站	review
赌博平台	review
开设赌场	review
博彩	review
博彩网站	review
博彩公司	review
百家乐	review
六合彩	review
时时彩	review
北京赛车	review
幸运飞艇	review
澳门赌场	review
新葡京	review	nopinyin
老虎机	review
轮盘赌	review
骰宝	review	nopinyin
押大小	review
庄闲	review
炸金花	review
返水	review
体育投注	review
网上彩票	review
网上赌场	review
在线赌场	review
线上赌场	review
网络赌博	review
赌博网址	review
博彩平台	review
线上博彩	review
包赢	review
菠菜平台	review
菠菜网站	review
加拿大28	review
大小单双	review
波胆	block
bjl	review
倍投	review
押庄	review
押闲	review
电子捕鱼	review	strict
赌博机	review
足球博彩	review
# Allow-list
!百家乐园
!上下分别
!加拿大28日
!加拿大28号
