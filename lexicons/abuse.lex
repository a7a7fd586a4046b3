# Abuse: insults, vulgar attacks, harassment and fight-provoking curses.
# Mild, common expletives (他妈的, 混蛋) are left out; heavy insults are `block`.
@category abuse
傻逼	block
傻b	block
煞笔	block
傻叉	block
傻屌	block
操你妈	block
操你大爷	block
草你妈	block
日你妈	block
你妈死了	block
你妈逼	block
你妈没了	block
# strict, not nopinyin: skipping the comma in 我爸死，妈改嫁了 would read 死妈
死妈	block	strict
滚你妈	block
狗日的	block
贱货	block
贱逼	block
骚货	block
骚逼	block
婊子	block
杂种	review
狗杂种	block
死全家	block
全家死光	block
nmsl	block
wdnmd	block
motherfucker	block
low逼	block
穷逼	block
丑逼	block
草泥马	review
cnm	review
沙比	review
王八蛋	review
贱人	review	nopinyin
绿茶婊	review
畜生	review	nopinyin
人渣	review
脑残	review
智障	review
装逼	review
舔狗	review	nopinyin
死胖子	review
狗东西	review
滚犊子	review
去死吧	review
fuck	review
bitch	review
asshole	review
# Allow-list
!智障人士
!智障儿童
!杂种优势
