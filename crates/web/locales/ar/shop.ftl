# The one-stop shop (الشباك الواحد)
nav-services = الخدمات
nav-track = متابعة طلب
nav-inbox = صندوق الطلبات
nav-intake = تسجيل طلب بالشباك
nav-overview = متابعة الوحدات
services-title = الخدمات
services-lead = كل خدمات الوحدات المحلية في مكان واحد: المستندات والرسوم والمدة وخطوات الإجراء منشورة قبل أن تتقدم.
services-search-label = ابحث عن خدمة
services-search-hint = مثل: ترخيص بناء، محل، إشغال طريق
search = بحث
services-count = { $count ->
    [zero] لا توجد خدمات مطابقة.
    [one] خدمة واحدة.
    [two] خدمتان.
    [few] { $count } خدمات.
    [many] { $count } خدمة.
   *[other] { $count } خدمة.
}
back-to-services = العودة إلى الخدمات
back = رجوع
service-who = من يمكنه التقدم
service-sla = المدة القصوى
service-fee = الرسوم
service-legal-basis = السند القانوني
service-documents = المستندات المطلوبة
service-steps = خطوات الإجراء
apply-online = تقدّم بالطلب إلكترونيًا
fee-none = بدون رسوم
fee-minimum = بحد أدنى
fee-maximum = وبحد أقصى
list-and = ، و
optional = اختياري
choose = اختر…
max-size = الحد الأقصى
working-days = { $days ->
    [zero] بدون أيام عمل
    [one] يوم عمل واحد
    [two] يوما عمل
    [few] { $days } أيام عمل
    [many] { $days } يوم عمل
   *[other] { $days } يوم عمل
}
apply-title = طلب
apply-applicant = بيانات مقدم الطلب
apply-details = بيانات الطلب
apply-documents = المستندات
apply-documents-hint = ارفع كل مستند ملفًا واحدًا. إذا ظهر خطأ في النموذج تبقى الملفات التي اخترتها محفوظة، فلا تختر ملفًا من جديد إلا لاستبداله.
apply-document-held = محفوظ من محاولتك السابقة، ولا حاجة لاختياره مرة أخرى
apply-unit = { $country ->
    [EG] الوحدة المحلية المختصة
    [SA] البلدية المختصة
   *[other] الجهة المختصة
}
apply-unit-hint = الوحدة التي يقع العقار أو النشاط في نطاقها
apply-name = الاسم الكامل
apply-id = { $country ->
    [EG] الرقم القومي
    [SA] رقم الهوية الوطنية أو الإقامة
   *[other] رقم الهوية
}
apply-phone = { $country ->
    [EG] رقم المحمول
    [SA] رقم الجوال
   *[other] رقم المحمول (الجوال)
}
hint-egypt-id = الرقم القومي: 14 رقمًا كما في البطاقة
hint-saudi-id = رقم الهوية الوطنية أو الإقامة: 10 أرقام
hint-egypt-phone = مثل 01012345678
hint-saudi-phone = مثل 0501234567
apply-submit = أرسل الطلب
submitted-title = تم استلام طلبك
submitted-number = رقم التتبع
submitted-expected = موعد الإنجاز المتوقع:
submitted-fee = الرسوم المستحقة:
submitted-next = احتفظ برقم التتبع. ستصلك رسالة عند كل تغيير في حالة الطلب، ويمكنك متابعته في أي وقت.
track-title = متابعة طلب
track-lead = اكتب رقم التتبع ورقم الهوية أو الجوال المسجل في الطلب.
track-number = رقم التتبع
track-number-hint = مثل EG-GZ-BDR-2026-000123-K
track-proof = الرقم القومي أو رقم الهوية، أو رقم المحمول (الجوال)
track-proof-hint = كما كتبته في الطلب
track-submit = اعرض حالة الطلب
track-not-found = لم نجد طلبًا بهذا الرقم وهذه البيانات. راجع رقم التتبع ورقم الهوية أو الجوال.
track-service = الخدمة
track-unit = الوحدة
track-status = الحالة
track-step = المرحلة الحالية
track-expected = موعد الإنجاز المتوقع
track-history = سجل الطلب
track-view-license = { $kind ->
    [permit] اعرض التصريح واطبعه
    [certificate] اعرض الشهادة واطبعها
   *[license] اعرض الترخيص واطبعه
}
track-complete-heading = استكمال الطلب
track-comment = ملاحظات
track-resubmit = أعد إرسال الطلب
track-resubmitted = أُعيد إرسال طلبك، وعاد إلى المرحلة التي أعادته.
rate-heading = قيّم الخدمة
rate-question = ما تقييمك للخدمة من 1 إلى 5؟
rate-submit = أرسل التقييم
rate-thanks = شكرًا لتقييمك؛ يساعدنا على تحسين الخدمة.
status-in_progress = قيد الإجراء
status-returned = مُعاد لاستكمال النواقص
status-rejected = مرفوض
status-issued = صدر الترخيص
event-submitted = قُدّم الطلب
event-accept = اكتملت المستندات
event-return_for_completion = أُعيد لاستكمال النواقص
event-approve = موافقة
event-reject = رُفض الطلب
event-pass_inspection = تمت المعاينة بنجاح
event-fail_inspection = المعاينة غير مطابقة
event-record_payment = سُددت الرسوم
event-issue = صدر الترخيص
event-resubmitted = أعاد مقدم الطلب إرساله
event-rated = قيّم مقدم الطلب الخدمة
event-revoked = أُلغي الترخيص
action-accept = قبول المستندات
action-return_for_completion = إعادة لاستكمال النواقص
action-approve = موافقة
action-reject = رفض
action-pass_inspection = المعاينة مطابقة
action-fail_inspection = المعاينة غير مطابقة
action-record_payment = تسجيل السداد
action-issue = { $kind ->
    [permit] إصدار التصريح
    [certificate] إصدار الشهادة
   *[license] إصدار الترخيص
}
actions-title = الإجراءات المتاحة لك
actions-department = باسم إدارة
actions-reason = السبب (يظهر لمقدم الطلب)
actions-receipt = رقم إيصال السداد
inbox-title = صندوق الطلبات
inbox-count = { $count ->
    [zero] لا توجد طلبات في انتظارك.
    [one] طلب واحد في انتظارك.
    [two] طلبان في انتظارك.
    [few] { $count } طلبات في انتظارك.
    [many] { $count } طلبًا في انتظارك.
   *[other] { $count } طلب في انتظارك.
}
inbox-escalations = طلبات متأخرة في وحداتك
inbox-waiting = في انتظار إجرائك
inbox-empty = لا توجد طلبات في انتظارك الآن.
back-to-inbox = العودة إلى صندوق الطلبات
col-tracking = رقم التتبع
col-applicant = مقدم الطلب
col-due = موعد المرحلة
col-final-due = موعد إنجاز الطلب
action-done = تم تسجيل الإجراء:
col-channel = طريقة التقديم
overdue = متأخر
the-applicant = مقدم الطلب
channel-online = إلكترونيًا
channel-counter = { $country ->
    [EG] بشباك المركز التكنولوجي
    [SA] في مركز خدمة العملاء
   *[other] في مركز الخدمة
}
intake-title = تسجيل طلب بالشباك
intake-lead = اختر الخدمة لتسجيل طلب مواطن حاضر بالمركز التكنولوجي، وسلّمه رقم التتبع.
overview-title = متابعة الوحدات
overview-open = مفتوحة
overview-overdue = متأخرة
overview-completed = أُنجزت هذا الشهر
license-holder = صاحب الترخيص
license-issued = تاريخ الإصدار
license-valid-until = صالح حتى
license-status = الحالة
license-code = رمز التحقق
license-qr = امسح الرمز للتحقق من الترخيص:
license-signature = التوقيع الرقمي:
license-valid = ساري
license-expired = منتهي الصلاحية
license-revoked = ملغى
license-forged = غير صحيح — قد يكون مزورًا
verify-title = التحقق من ترخيص
verify-hint = الرمز المطبوع على الترخيص، مثل ABCD-EFGH-JKLM
verify-submit = تحقق
verify-not-found = لا يوجد ترخيص بهذا الرمز.
verify-signature-ok = التوقيع الرقمي صحيح: هذا الترخيص صادر عن المنصة ولم يُعدّل.
verify-signature-bad = التوقيع الرقمي لا يطابق: لا تعتمد على هذا الترخيص.
country-EG = مصر
country-SA = السعودية
applicant-citizen = المواطنون
applicant-investor = المستثمرون
applicant-company = الشركات
department-engineering = الإدارة الهندسية
department-licensing = { $country ->
    [EG] إدارة التراخيص
    [SA] إدارة الرخص التجارية
   *[other] إدارة التراخيص
}
department-revenue = { $country ->
    [EG] الإيرادات
    [SA] الإيرادات والتحصيل
   *[other] الإيرادات
}
department-civil_defense_liaison = { $country ->
    [EG] الحماية المدنية
    [SA] الدفاع المدني
   *[other] الحماية المدنية / الدفاع المدني
}
department-state_property = { $country ->
    [EG] أملاك الدولة
    [SA] إدارة الأراضي والممتلكات
   *[other] أملاك الدولة
}
department-environment = { $country ->
    [EG] البيئة والنظافة
    [SA] صحة البيئة
   *[other] البيئة والنظافة
}
department-urban_planning = التخطيط العمراني
department-technology_center = { $country ->
    [EG] المركز التكنولوجي
    [SA] مركز خدمة العملاء
   *[other] مركز خدمة المواطنين
}
apply-email = البريد الإلكتروني
apply-email-hint = لتصلك رسائل الطلب بالبريد أيضًا، مثل name@example.com
inbox-all-services = كل الخدمات
inbox-overdue-only = المتأخرة فقط
inbox-filter = تصفية
size-kb = { $n } كيلوبايت
size-mb = { $n } ميجابايت
document-kind = { $kind ->
    [permit] تصريح
    [certificate] شهادة
   *[license] ترخيص
}
document-number = { $kind ->
    [permit] رقم التصريح
    [certificate] رقم الشهادة
   *[license] رقم الترخيص
}
document-holder = { $kind ->
    [permit] صاحب التصريح
    [certificate] صاحب الشهادة
   *[license] صاحب الترخيص
}
document-qr = { $kind ->
    [permit] امسح الرمز للتحقق من صحة التصريح:
    [certificate] امسح الرمز للتحقق من صحة الشهادة:
   *[license] امسح الرمز للتحقق من صحة الترخيص:
}
document-public-copy = { $kind ->
    [permit] هذه النسخة العامة من التصريح: اسم صاحبه مخفي جزئيًا. يجد صاحبه نسخته الكاملة من صفحة متابعة الطلب.
    [certificate] هذه النسخة العامة من الشهادة: اسم صاحبها مخفي جزئيًا. يجد صاحبها نسخته الكاملة من صفحة متابعة الطلب.
   *[license] هذه النسخة العامة من الترخيص: اسم صاحبه مخفي جزئيًا. يجد صاحبه نسخته الكاملة من صفحة متابعة الطلب.
}
document-application = رقم الطلب
document-issuer = جهة الإصدار
document-signatory = المعتمِد
document-signed = موقّع رقميًا من منصة بلدية بمفتاح الجهة المصدرة؛ رمز QR يثبت صحته وحالته الآن.
document-open = اعرض المستند واطبعه
inbox-search = ابحث عن طلب
inbox-search-hint = رقم التتبع أو الرقم القومي / رقم الهوية أو رقم المحمول / الجوال لمقدم الطلب
inbox-search-results = نتائج البحث
inbox-search-none = لا يوجد طلب بهذا الرقم في الوحدات التي تعمل بها.
actions-to-correct = المستندات المطلوب استبدالها
actions-to-correct-hint = حدد ما يجب على مقدم الطلب استبداله؛ يبقى ما سواه كما هو.
track-returned-heading = طلبك يحتاج إلى استكمال
track-returned-reason = سبب الإعادة
track-returned-documents = استبدل هذه المستندات فقط
track-returned-any = أرفق ما يلزم لاستكمال الطلب (اختياري لكل مستند)
property-location = موقع العقار
assignment-title = التكليف
assignment-assignee = المكلَّف
assignment-nobody = لا أحد
assignment-choose = كلِّف
assignment-assign = احفظ التكليف
assignment-take = تولَّ هذا بنفسك
assignment-done = تم حفظ التكليف.
inbox-mine-only = المكلَّف بها أنا فقط
event-assigned = تكليف موظف
track-to-come = الخطوات التالية
apply-fee-when = تُدفع بعد مراجعة الطلب، إلكترونيًا من حسابك أو عند الشباك.
apply-step-1 = الخطوة ١ من ٢: بياناتك ومستنداتك
apply-step-2 = الخطوة ٢ من ٢: راجع إجاباتك
apply-continue = تابع لمراجعة إجاباتك
check-title = راجع إجاباتك قبل الإرسال
check-hint = بإرسال الطلب تقر بصحة هذه البيانات. يمكنك الرجوع لتغيير أي منها؛ المستندات المرفوعة محفوظة.
check-change = غيّر إجاباتك
help-title = المساعدة والتواصل
help-questions = أسئلة يطرحها المواطنون
help-where = أين تسأل
help-where-hint = اتصل بالمركز التكنولوجي لوحدتك المحلية أو راسله أو زره، ومعك رقم التتبع إن كنت قد قدّمت طلبًا.
help-ask-about = لديك سؤال عن هذا الطلب؟
help-need = تحتاج مساعدة؟
help-phone = الهاتف
help-email = البريد الإلكتروني
help-address = العنوان
help-hours = مواعيد العمل
