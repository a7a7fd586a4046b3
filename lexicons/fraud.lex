# Fraud and scams: fake jobs (刷单), loan scams, investment scams, fake customer service.
# The names of scams (杀猪盘, 套路贷) are `review` because anti-fraud warnings repeat them;
# recruiting and offering phrases are `block`.
@category fraud
刷单返利	review
刷单兼职	review
兼职刷单	review
刷单返佣	block
垫付返款	block
无视黑白户	block	substring
黑户贷款	review
黑户下款	block
不看征信	block
贷款包过	block
包下款	block
网贷口子	block
信用卡套现	review
花呗套现	review
白条套现	review
征信洗白	review
洗白征信	review
代刷流水	block
包装流水	block
导师带单	block
日赚千元	block
躺赚	review
刷单	review
杀猪盘	review
套路贷	review
裸贷	review
校园贷	review
注销校园贷	review
征信修复	review
信用卡代还	review
无抵押贷款	review
秒下款	review
新口子	review
高额返利	review
日入过万	review
月入过万	review
零投入	review
稳赚不赔	review
保本保息	review
高收益无风险	review	substring
资金盘	review
拉人头	review
传销	review
荐股	review
牛股推荐	review
喊单	review	nopinyin
带单	review
安全账户	review
解冻费	review
快递理赔	review
您已中奖	review
刷信誉	review
刷钻	review
刷好评	review
打字员兼职	review
点赞赚钱	review
做任务赚佣金	review
无需面签	review
信用卡提额	review
代办信用卡	review
投资返利	review
理财返利	review
高息揽储	review
原始股	review
解冻金	review
首付贷	review
股票配资	review
消除逾期	review
修复征信	review
黑户可办	block
无需征信	block
# Allow-list
!刷单词
