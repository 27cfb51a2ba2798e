# Error codes: each key is a stable code that API clients also receive.
invalid-input = بعض البيانات غير صحيحة. صحّح الحقول المشار إليها.
malformed-body = تعذّرت قراءة الطلب: يجب أن يكون نص JSON صحيحًا بالحقول والأنواع المطلوبة.
invalid-query = معاملات العنوان غير صحيحة: تحقق من أنواع القيم ومن عدم تكرار أي معامل.
control-characters = أزل رموز التحكم غير المرئية من هذا الحقل.
payload-too-large = حجم الطلب أكبر من المسموح.
unsupported-media-type = نوع محتوى الطلب غير مدعوم.
invalid-credentials = اسم المستخدم أو كلمة المرور غير صحيحة.
account-locked = محاولات دخول خاطئة كثيرة بهذا الاسم. حاول مرة أخرى بعد { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
   *[other] { $minutes } دقيقة
}.
too-many-attempts = محاولات كثيرة من هذا الاتصال. حاول مرة أخرى بعد { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
   *[other] { $minutes } دقيقة
}.
server-busy = الخادم مشغول الآن. حاول مرة أخرى بعد لحظات.
request-timeout = استغرق الطلب وقتًا أطول من المسموح. حاول مرة أخرى.
unauthenticated = يجب تسجيل الدخول أولًا، أو انتهت الجلسة.
forbidden = ليست لديك صلاحية للقيام بهذا في هذه الوحدة.
csrf-failed = انتهت صلاحية النموذج. أعد تحميل الصفحة وحاول مرة أخرى.
not-found = الصفحة أو العنصر المطلوب غير موجود.
username-taken = اسم المستخدم مستخدم من قبل.
unit-code-taken = يوجد وحدة أخرى بهذا الرمز.
role-already-granted = هذا الدور ممنوح للمستخدم في هذه الوحدة من قبل.
department-exists = توجد إدارة من هذا النوع في هذه الوحدة.
database-unavailable = الخدمة غير متاحة الآن. حاول مرة أخرى بعد قليل.
internal = حدث خطأ غير متوقع وسُجّل. حاول مرة أخرى.
# Field codes
required = هذا الحقل مطلوب.
too-long = النص أطول من المسموح.
date-invalid = اكتب التاريخ بالصيغة سنة-شهر-يوم، مثل 2026-10-06.
username-length = يجب أن يكون اسم المستخدم من 3 إلى 64 حرفًا.
username-characters = يُكتب اسم المستخدم بحروف إنجليزية صغيرة وأرقام والرموز . _ - فقط.
password-too-short = يجب ألا تقل كلمة المرور عن 10 أحرف.
password-too-long = يجب ألا تزيد كلمة المرور عن 128 حرفًا.
password-too-simple = كلمة المرور سهلة التخمين؛ اختر عبارة أطول ومتنوعة.
national-id-not-digits = الرقم القومي يتكون من أرقام فقط.
national-id-length = الرقم القومي يتكون من 14 رقمًا.
national-id-century = الرقم الأول من الرقم القومي يجب أن يكون 2 أو 3.
national-id-birth-date = تاريخ الميلاد في الرقم القومي غير صحيح.
national-id-governorate = كود المحافظة في الرقم القومي غير معروف.
national-id-check-digit = الرقم القومي غير صحيح؛ راجع الأرقام كما في البطاقة.
saudi-id-not-digits = رقم الهوية يتكون من أرقام فقط.
saudi-id-length = رقم الهوية يتكون من 10 أرقام.
saudi-id-type = رقم الهوية يبدأ بـ 1 للمواطن أو 2 للمقيم.
saudi-id-check-digit = رقم الهوية غير صحيح؛ راجع الأرقام كما في الهوية.
phone-not-digits = رقم الجوال يتكون من أرقام فقط.
phone-wrong-country = رقم الجوال ليس من هذه الدولة.
phone-not-mobile = اكتب رقم جوال صحيحًا، مثل 01012345678 في مصر أو 0501234567 في السعودية.
country-unknown = الدولة غير معروفة؛ استخدم EG أو SA.
unit-code-invalid = رمز الوحدة يُكتب بحروف إنجليزية كبيرة وأرقام وشرطات، مثل EG-GZ-BDR.
unit-unknown = لا توجد وحدة بهذا الرمز.
unit-kind-not-allowed-here = لا يمكن إنشاء وحدة من هذا النوع تحت هذه الوحدة.
org-unit-kind-unknown = نوع الوحدة غير معروف.
department-kind-unknown = نوع الإدارة غير معروف.
role-unknown = الدور غير معروف.
user-unknown = لا يوجد مستخدم بهذا الاسم.
# One-stop shop
stale-version = عدّل شخص آخر هذا الطلب قبلك. أعد تحميل الطلب ثم حاول مرة أخرى.
service-version-changed = تغيّر محتوى إصدار منشور من الخدمة؛ يجب إعطاؤه رقم إصدار جديدًا.
already-rated = قيّمت هذا الطلب من قبل.
already-revoked = أُلغي هذا الترخيص من قبل.
application-closed = انتهى هذا الطلب (صدر الترخيص أو رُفض الطلب).
application-waiting-for-applicant = الطلب مُعاد لمقدمه لاستكمال النواقص.
action-not-allowed-now = هذا الإجراء غير متاح في المرحلة الحالية للطلب.
department-not-in-step = هذه الإدارة ليست من إدارات المرحلة الحالية.
department-already-approved = وافقت هذه الإدارة على الطلب من قبل.
application-not-returned = الطلب ليس في انتظار استكمال من مقدمه.
service-unknown = لا توجد خدمة بهذا الرمز.
channel-unknown = ليست قناة في هذا السجل: online أو counter للطلبات، وweb أو api أو staff أو sensor لبلاغات المواطنين.
unit-wrong-country = هذه الخدمة لا تقدم في هذه الوحدة.
applicant-not-allowed = هذه الخدمة لا تقدم لهذه الفئة من المتقدمين.
applicant-unknown = فئة المتقدم غير معروفة.
field-unknown = حقل غير معروف في هذا النموذج.
document-required = هذا المستند مطلوب.
document-too-large = حجم الملف أكبر من المسموح لهذا المستند.
document-type-not-accepted = نوع الملف غير مقبول لهذا المستند، أو أن محتواه لا يطابق امتداده.
document-duplicate = أُرسل هذا المستند أكثر من مرة.
document-unknown = هذا المستند ليس من مستندات الخدمة.
reason-required = اكتب السبب ليعرفه مقدم الطلب.
rating-before-completion = يمكن التقييم بعد انتهاء الطلب.
rating-out-of-range = اختر تقييمًا من 1 إلى 5.
action-unknown = إجراء غير معروف.
number-invalid = اكتب رقمًا صحيحًا.
number-not-whole = اكتب عددًا صحيحًا بلا كسور.
number-out-of-range = الرقم خارج الحدود المسموحة.
choice-invalid = اختر أحد الخيارات المعروضة.
geo-point-invalid = اكتب الموقع بصيغة خط العرض، خط الطول، مثل 29.85, 31.25.
tracking-number-invalid = رقم التتبع غير صحيح الصيغة.
tracking-number-check = رقم التتبع غير صحيح؛ راجع الحروف والأرقام.
email-invalid = اكتب بريدًا إلكترونيًا صحيحًا، مثل name@example.com.
open311-jurisdiction-unknown = هذه الجهة (jurisdiction_id) غير معروفة لهذا الخادم.
open311-service-unknown = لا توجد فئة بلاغات بهذا الرمز (service_code).
api-key-invalid = مفتاح الواجهة البرمجية (api_key) مفقود أو غير صحيح أو ملغى.
rate-limited = طلبات كثيرة بهذا المفتاح. انتظر دقيقة ثم حاول مرة أخرى.
feature-of-interest-missing = تحتاج القراءة (Observation) إلى معلم الرصد (FeatureOfInterest): أرسله، أو أضف موقعًا (Location) للشيء (Thing) الذي تتبعه سلسلة البيانات ليُنشأ منه.
idempotency-key-invalid = مفتاح عدم التكرار (Idempotency-Key) غير صالح: من 1 إلى 255 حرفًا لاتينيًا مطبوعًا بلا مسافات.
idempotency-key-reused = مفتاح عدم التكرار هذا استُخدم لطلب مختلف؛ استخدم مفتاحًا جديدًا لكل طلب جديد.
to-correct-only-on-return = تحديد المستندات المطلوب استبدالها يكون عند الإعادة لاستكمال النواقص فقط.
assignee-unknown = لا يوجد موظف بهذا الاسم يعمل في هذه الوحدة.
code-taken = يوجد سجل بهذا الرمز.
already-evaluated = قيّم المتدرب هذه الدورة من قبل.
training-over-quota = رشّحت الوحدة لكل مقاعدها في هذه الدورة.
training-no-quota = ليس للوحدة مقاعد في هذه الدورة.
training-already-nominated = المتدرب مرشح لهذه الدورة بالفعل.
training-overlap = المتدرب مسجل في دورة أخرى في الأيام نفسها.
training-not-on-roster = المتدرب ليس في قائمة هذه الدورة.
training-wrong-status = لا ينطبق هذا الإجراء على وضع المتدرب الآن.
training-capacity-invalid = حدد مقعدًا واحدًا على الأقل.
training-course-unknown = لا توجد دورة بهذا الرقم.
training-trainee-unknown = لا يوجد موظف نشط بهذا الاسم.
training-day-not-in-session = هذا اليوم ليس من أيام عمل الدورة.
training-dates-reversed = اليوم الأخير قبل اليوم الأول.
training-score-invalid = اكتب درجة من 0 إلى 100.
rating-invalid = اختر تقييمًا من 1 إلى 5.
training-mode-unknown = نمط الدورة إما حضوري (in_person) أو عن بعد (online) أو مدمج (blended).
training-attendance-rule-invalid = نسبة الحضور المطلوبة من 1 إلى 100٪.
training-seat-status-unknown = وضع غير معروف في القائمة.
training-decision-unknown = القرار إما قبول (accept) أو اعتذار (decline).
training-hours-invalid = عدد ساعات الدورة من 1 إلى 1000.
training-competency-unknown = كفاءة غير معروفة لدى المركز.
training-partner-unknown = جهة شريكة غير معروفة.
training-cost-invalid = التكلفة رقم لا يقل عن صفر.
currency-unknown = عملة غير معروفة.
training-quota-invalid = سطر الحصص: رمز وحدة معروفة ثم عدد المقاعد.
training-competency-code-invalid = رمز الكفاءة حروف لاتينية صغيرة وأرقام وشرطات، مثل digital-services.
code-used = استُخدم هذا الرمز من قبل؛ اطلب رمزًا جديدًا.
code-wrong = الرمز غير صحيح؛ تحقق منه وأعد المحاولة.
code-spent = انتهت محاولات هذا الرمز؛ اطلب رمزًا جديدًا.
code-expired = انتهت صلاحية هذا الرمز؛ اطلب رمزًا جديدًا.
