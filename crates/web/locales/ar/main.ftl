app-name = بلدية
skip-to-content = تخطَّ إلى المحتوى الرئيسي
nav-label = القائمة الرئيسية
nav-staff = الوحدات المحلية
nav-sign-out = تسجيل الخروج
nav-staff-sign-in = دخول الموظفين
switch-language = English
footer-text = بلدية — منصة البلدية الرقمية مفتوحة المصدر للإدارة المحلية.
home-title = خدمات البلدية الرقمية
home-lead = منصة واحدة تربط المراكز التكنولوجية وإدارات الوحدات المحلية، لتقديم الخدمات للمواطنين والمستثمرين على مدار الساعة ومن أي مكان.
home-staff-heading = للموظفين
home-staff-text = يدخل موظفو المراكز التكنولوجية والإدارات ورؤساء الوحدات لمتابعة العمل في وحداتهم وما يتبعها.
error-summary-title = يوجد خطأ
title-error-prefix = خطأ:
login-title = دخول الموظفين
field-username = اسم المستخدم
field-username-hint = اسم المستخدم الذي سلّمه لك مدير النظام، مثل eg.clerk
field-password = كلمة المرور
login-submit = تسجيل الدخول
units-title = الوحدات المحلية
units-count = { $count ->
    [zero] لا توجد وحدات تستطيع متابعتها.
    [one] تستطيع متابعة وحدة واحدة.
    [two] تستطيع متابعة وحدتين.
    [few] تستطيع متابعة { $count } وحدات.
    [many] تستطيع متابعة { $count } وحدة.
   *[other] تستطيع متابعة { $count } وحدة.
}
units-none = لا توجد وحدات مرتبطة بحسابك. اطلب من مدير النظام منحك دورًا في وحدة.
col-unit = الوحدة
col-kind = النوع
col-code = الرمز
back-to-units = العودة إلى الوحدات
back-home = العودة إلى الصفحة الرئيسية
departments-title = الإدارات
departments-none = لا توجد إدارات مسجلة لهذه الوحدة.
kind-governorate = محافظة
kind-markaz = مركز
kind-city = مدينة
kind-district = حي
kind-village = قرية
kind-region = منطقة
kind-amana = أمانة
kind-municipality = بلدية
kind-sub_municipality = بلدية فرعية
