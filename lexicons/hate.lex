# Hate: ethnic, racial, regional and gender slurs and dehumanising phrases.
# Slurs with no other meaning are `block`; words with an innocent or reclaimed use are `review`.
@category hate
支那	block
支那人	block
黑鬼	block
尼哥	block	nopinyin
黑皮猪	block
白皮猪	block
黄皮猴子	block
高丽棒子	block
印度阿三	block
劣等民族	review
劣等人种	review
死基佬	block
外地狗	block
河南人偷井盖	review	substring
棒子	review	nopinyin
阿三	review	nopinyin
小日本	review
日本鬼子	review
倭寇	review
黑奴	review
种族灭绝	review
地域黑	review
女拳	review
女拳师	review
田园女权	review
直男癌	review
普信男	review
龟男	review	nopinyin
基佬	review
人妖	review
娘炮	review
残废	review
乡巴佬	review
# Allow-list
!玉米棒子
!棒子面
!棒子骨
!木棒子
!印度支那
!密支那
!阿尼哥
!尼哥罗
!穷棒子
!周阿三
!冯阿三
