# Spam: fake engagement and bulk promotion services.
@category spam
刷粉	review
僵尸粉	review
刷阅读量	review
刷播放量	review
刷赞	review
买粉	review
代刷	review
刷转发	review
