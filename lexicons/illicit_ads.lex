# Black-market services: invoices, bank-card / SIM / account trading, verification bypass,
# exam cheating, money mules, surrogacy and organ trading, traffic diversion to private channels.
@category illicit_ads
代开发票	block
发票代开	block
出售发票	block
收购银行卡	block
出售银行卡	review
出租银行卡	review
银行卡四件套	block
出售对公账户	block
跑分平台	block
跑分兼职	block
帮人洗钱	block
接码平台	block
短信接码	block
出售手机卡	block
收购手机卡	block
猫池	review
出售微信号	block
收购微信号	block
微信号出售	block
实名认证代过	block	substring
代实名	block
人脸识别代过	block	substring
代过人脸	block
枪手代考	block
考试包过	block
出售考题	block
驾照销分	block
买分卖分	block
一比一高仿	block
有偿捐卵	block
找代孕	block
出售外挂	block
收购支付宝账号	block
出售支付宝账号	block
收购对公账户	block
出售U盾	block
洗钱	review
对公户	review
卡商	review
代考	review
替考	review
论文代写	review
代写论文	review
考试答案	review
代孕	review	nopinyin
卵子买卖	review
卖肾	review
器官买卖	review
外挂	review
传奇私服	review
高仿手表	review
加薇	review	nopinyin
主页有联系方式	review
站外引流	review
私聊领取	review
出售QQ号	review
# --- fake engagement (刷量) services
刷粉	review
僵尸粉	review
刷阅读量	review
刷播放量	review
刷赞	review
买粉	review
代刷	review
刷转发	review
控评	review
有偿删帖	review
代发帖	review
引流软件	review
精准粉	review
高价收卡	review
收四件套	review
# --- traffic diversion to private channels
微亻言	review
薇信	review
v信	review
加扣扣	review
# Allow-list
!洗钱包
!洗钱币
!外挂式
!外挂空调
!外挂机
