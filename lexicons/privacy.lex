# Privacy: doxxing, trading personal information, covert tracking and filming.
@category privacy
出售个人信息	block
出售公民信息	block
公民信息出售	block
查开房	block
开房记录查询	block
查通话记录	block
通话记录查询	block
查手机定位	block
查微信聊天记录	block	substring
社工库	block
查车主信息	block
业主信息出售	block
学生信息出售	block
针孔偷拍	review
查机主	block
手机号查姓名	block
调取通话记录	block
出售业主名单	block
快递数据出售	block
出售身份证信息	block
出售快递信息	block
买卖个人信息	review
人肉搜索	review
人肉一下	review
查户籍	review
盒武器	review
开房记录	review
私密照	review
人肉出来	review
机主信息	review
开盒	review
手机号定位	review
定位找人	review
私家侦探	review
婚外情调查	review
偷拍	review
偷拍视频	review
偷窥	review
家庭住址曝光	review
# Allow-list
!盲盒开盒
!开盒视频
!开盒即食
