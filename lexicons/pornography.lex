# Pornography, obscene content, sexual services.
# Nouns that news and health writing use are `review`; solicitation and porn-trade slang is `block`.
@category pornography
黄片	review
毛片	block
黄网	review	nopinyin
黄播	block	nopinyin
裸聊	review
约炮	block
援交	review
援助交际	review
援交妹	block
楼凤	block
招嫖	review	nopinyin
莞式服务	block
小姐上门	block
上门服务小姐	block	substring
口爆	block
颜射	block
内射	block
兽交	block
幼女视频	block
裸体直播	block
鸡巴	block
pornhub	block
xvideos	block
xhamster	block
av番号	block
做爱视频	block
一夜情	review
色情网站	review
色情视频	review
色情片	review
色情直播	review
色情小说	review
黄色网站	review
黄色视频	review
黄色小说	review
成人视频	review
成人网站	review
成人直播	review
三级片	review
A片	review
女优	review
裸照	review
艳照	review	nopinyin
福利姬	review
福利视频	review
外围女	review
大保健	review
卖淫	review
嫖娼	review
嫖客	review
包养	review	nopinyin
乱伦	review
口交	review
肛交	review
性交	review
做爱	review
自慰	review	nopinyin
淫秽	review	nopinyin
儿童色情	review
恋童	review	nopinyin
porn	review
性交易	review
站街女	review
口活	review
外围模特	review
高端伴游	review
不雅视频	review
私密视频	review
看片神器	review
陪睡	review
黄色电影	review
成人电影	review
性服务	review
裸舞	review
脱衣舞	review
无码	review	nopinyin
色情漫画	review
里番	review	nopinyin
# Allow-list: innocent words that contain a term above.
!三黄片
!姜黄片
!大黄片
!地黄片
!蛋黄片
!硫黄片
!牛黄片
!聊以自慰
!人口爆炸
!龙楼凤阁
!明艳照人
!众口交赞
!众口交传
