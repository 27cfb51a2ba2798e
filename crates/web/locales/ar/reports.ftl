# بلاغات المواطنين و Open311
open311-request-unknown = لا يوجد بلاغ بهذا الرقم (service_request_id).
open311-token-unknown = لا يوجد بلاغ بهذا الرمز (token).
open311-request-id-invalid = رقم البلاغ (service_request_id) رقم صحيح؛ افصل بين الأرقام بفاصلة.
open311-page-invalid = رقم الصفحة (page) عدد صحيح يبدأ من 1.
open311-page-size-invalid = حجم الصفحة (page_size) عدد صحيح من 1 إلى 1000.
open311-status-invalid = الحالة (status) إما open أو closed أو كلاهما مفصولين بفاصلة.
open311-date-invalid = اكتب التاريخ بصيغة W3C مثل 2026-11-20T08:00:00+02:00 أو 2026-11-20.
open311-dates-reversed = تاريخ البداية (start_date) بعد تاريخ النهاية (end_date).
open311-dates-too-far-apart = لا يزيد الفرق بين start_date و end_date على 90 يومًا.
open311-form-expected = أرسل الطلب كنموذج (application/x-www-form-urlencoded) كما تنص مواصفة Open311.
open311-contact = فريق تقنية المعلومات بالوحدة المحلية، عبر المركز التكنولوجي.
open311-key-service = يصدر مدير النظام بالوحدة مفاتيح الواجهة البرمجية لإرسال البلاغات (baladiya admin api-key).
open311-service-notice = من المتوقع أن تنتهي الإدارة المختصة من البلاغ خلال { $days ->
    [zero] لا أيام عمل
    [one] يوم عمل واحد
    [two] يومي عمل
    [few] { $days } أيام عمل
    [many] { $days } يوم عمل
   *[other] { $days } يوم عمل
}.
# رموز الحقول
service-code-unknown = لا توجد فئة بلاغات بهذا الرمز.
latitude-invalid = خط العرض رقم من -90 إلى 90.
longitude-invalid = خط الطول رقم من -180 إلى 180.
location-required = حدد مكان البلاغ على الخريطة، أو اكتب خطي العرض والطول (أو العنوان).
address-not-placed = تعذر تحديد هذا العنوان داخل أي وحدة؛ اكتب خطي العرض والطول.
outside-boundaries = هذه النقطة خارج حدود كل الوحدات التي تخدمها المنصة.
attribute-unknown = هذا السؤال ليس من أسئلة هذه الفئة.
attribute-repeated = هذا السؤال له إجابة واحدة فقط.
value-not-listed = اختر إحدى الإجابات المعروضة.
datetime-invalid = اكتب التاريخ والوقت مثل 2026-11-20T08:00:00+02:00.
url-invalid = يجب أن يبدأ الرابط بـ http:// أو https://.
photo-too-large = حجم الصورة أكبر من 8 ميجابايت.
photo-too-many-pixels = أبعاد الصورة أكبر من 50 مليون بكسل. صغّرها ثم أعد إرسالها.
photo-unreadable = تعذرت قراءة الصورة.
photo-type-not-accepted = يجب أن تكون الصورة بصيغة JPEG أو PNG.
note-required = اكتب ملاحظة يراها الجمهور (ما الذي تم، أو سبب الرفض).
report-unknown = لا يوجد بلاغ بهذا الرقم.
merge-target-invalid = يُدمج البلاغ فقط في بلاغ آخر مفتوح ليس هو نفسه مكررًا.
merge-target-other-category = يُدمج البلاغ فقط في بلاغ من الفئة نفسها.
merge-target-forbidden = لا تتولى البلاغ المراد الدمج فيه.
not-the-reporter = هذا ليس الرابط الخاص بهذا البلاغ؛ استخدم الرابط الذي حصلت عليه عند الإبلاغ.
status-unknown = حالة غير معروفة.
# الصفحات
nav-reports = أبلغ عن مشكلة
nav-staff-reports = بلاغات المواطنين
reports-title = بلاغات المواطنين
reports-lead = مشكلات أبلغ عنها المواطنون في شوارع مدنهم، وما فعلته الوحدة المحلية بشأنها.
reports-new = أبلغ عن مشكلة
reports-all = الكل
reports-map-label = خريطة البلاغات
reports-list = قائمة البلاغات
reports-count = { $count ->
    [zero] لا توجد بلاغات.
    [one] بلاغ واحد.
    [two] بلاغان.
    [few] { $count } بلاغات.
    [many] { $count } بلاغًا.
   *[other] { $count } بلاغ.
}
reports-empty = لا توجد بلاغات مطابقة.
reports-previous = الصفحة السابقة
reports-next = الصفحة التالية
reports-open-data = بيانات مفتوحة
reports-open-data-lead = نزّل هذه البلاغات مجهّلة (بلا أسماء ولا بيانات اتصال، والمواقع بدقة نحو عشرة أمتار)، أو اقرأها عبر Open311.
report-filter-open = مفتوحة (لم تنته)
report-filter-closed = مغلقة
report-status-open = مفتوح
report-status-acknowledged = تم الاستلام
report-status-in_progress = جارٍ العمل
report-status-resolved = تم الحل
report-status-duplicate = مغلق لأنه مكرر
report-status-rejected = مرفوض
report-number = رقم البلاغ
report-category = نوع المشكلة
report-status = الحالة
report-unit = الوحدة المحلية
report-requested = تاريخ البلاغ
report-expected = الموعد المتوقع للحل
report-new-lead = اختر نوع المشكلة، وحدد مكانها على الخريطة، وأضف صورة إن أمكن. لا تحتاج إلى حساب.
report-questions = أسئلة قليلة
report-location = المكان
report-location-hint = اختر مدينتك لتقريب الخريطة، ثم المس المكان بالضبط. يمكنك أيضًا كتابة خطي العرض والطول، أو استخدام موقع هاتفك.
report-zoom-to = انتقل إلى
report-use-my-location = استخدم موقعي
report-map-pick = خريطة: المس مكان المشكلة
report-lat = خط العرض
report-long = خط الطول
report-address = العنوان أو علامة مميزة
report-nearby-title = هل أُبلغ عنها بالقرب من هنا؟
report-nearby-lead = هذه بلاغات مفتوحة عن المشكلة نفسها قريبة من المكان الذي اخترته. يمكنك متابعة أحدها بدلًا من إرسال بلاغ جديد.
report-description = وصف المشكلة
report-photo = صورة
report-photo-hint = بصيغة JPEG أو PNG حتى 8 ميجابايت. تُحذف بيانات الموقع والكاميرا من الصورة قبل حفظها.
report-about-you = بياناتك
report-about-you-hint = لإبلاغك بالتقدم فقط، ولتتمكن من تأكيد الحل. لا يظهر اسمك ولا بيانات اتصالك للجمهور أبدًا.
report-name = الاسم
report-email = البريد الإلكتروني
report-phone = رقم المحمول (الجوال)
report-send = أرسل البلاغ
report-received-title = تم استلام البلاغ
report-received-notified = سنبلغك عند تغير حالته.
report-received-follow = احتفظ بالرقم لمتابعة البلاغ، أو تابعه بالبريد أو المحمول من صفحته.
report-see = اعرض البلاغ
report-duplicate-of = تتم متابعة المشكلة نفسها في البلاغ
report-history = سجل البلاغ
report-event-submitted = تم الإبلاغ
report-event-acknowledge = استلمته الإدارة المختصة
report-event-start = بدأ العمل
report-event-resolve = تم الحل
report-event-reject = رُفض
report-event-merge = أُغلق لأنه مكرر للبلاغ
report-event-merged_in = دُمج في هذا البلاغ بلاغ مكرر:
report-event-confirm = أكد المُبلِّغ الحل
report-event-reopen = أعاد المُبلِّغ فتحه
report-confirm-title = هل تم الحل؟
report-confirm-lead = أنت صاحب هذا البلاغ: أكّد أن المشكلة حُلّت، أو أعد فتحه (مرة واحدة) إن لم تُحل.
report-your-contact = بريدك الإلكتروني أو رقم محمولك
report-your-note = ملاحظة
report-confirm = نعم، تم الحل
report-reopen = لا، أعد فتح البلاغ
report-follow-title = تابع هذا البلاغ
report-follow-lead = ستصلك رسالة بالبريد أو رسالة قصيرة عند كل تغيير في حالته.
report-follow = تابع
report-notice-followed = أنت تتابع هذا البلاغ الآن.
report-notice-confirmed = شكرًا لتأكيدك الحل.
report-notice-reopened = أُعيد فتح البلاغ وستنظر فيه الإدارة مرة أخرى.
staff-reports-title = بلاغات المواطنين المطلوب التعامل معها
staff-reports-take-call = سجّل بلاغًا لمتصل
staff-reports-overview = متابعة البلاغات
staff-reports-all-open = كل المفتوحة
report-reporter = المُبلِّغ (غير معلن)
report-reporter-name = الاسم
report-reporter-email = البريد الإلكتروني
report-reporter-phone = المحمول
report-channel = ورد عبر
report-channel-web = الموقع العام
report-channel-api = تطبيق يستخدم Open311
report-channel-staff = موظف نيابة عن متصل
report-channel-sensor = تنبيه آلي من جهاز قياس
report-act = إجراء على البلاغ
report-public-note = ملاحظة معلنة
report-public-note-hint = يراها المُبلِّغ والجمهور. مطلوبة عند الحل أو الرفض.
report-merge-into = رقم البلاغ الذي يكرره هذا البلاغ
report-action-acknowledge = استلام
report-action-start = بدء العمل
report-action-resolve = تم الحل
report-action-reject = رفض
report-action-merge = دمج كبلاغ مكرر
report-ages = عمر البلاغات المفتوحة
report-age-0 = أقل من يوم
report-age-1 = من يوم إلى 3 أيام
report-age-2 = من 3 إلى 7 أيام
report-age-3 = أكثر من أسبوع
report-heatmap = أين تتركز البلاغات المفتوحة
report-heatmap-label = خريطة حرارية للبلاغات المفتوحة في نطاق الوحدة
report-department = الإدارة المختصة
report-metres = متر
report-confirm-needs-link = يمكن لصاحب البلاغ تأكيد الحل أو إعادة فتح البلاغ من الرابط الخاص الذي حصل عليه عند الإبلاغ.
report-private-link-title = رابطك الخاص
report-private-link-lead = احتفظ بهذا الرابط (أضفه إلى المفضلة أو انسخه في مكان آمن) ولا تشاركه: به تؤكد الحل أو تعيد فتح البلاغ.
map-legend = دليل الخريطة
map-zoom-in = تكبير
map-zoom-out = تصغير
report-metres-away = على بعد { $metres } متر
report-possible-duplicates = بلاغات مفتوحة قريبة قد تكون مكررة
report-possible-duplicates-hint = بلاغات مفتوحة من النوع نفسه في محيط 75 مترًا. إن كانت عن المشكلة نفسها فادمج هذا البلاغ في أحدها بكتابة رقمه في الحقل أدناه.
report-event-assigned = تكليف موظف
report-zoom-units = الوحدات
report-zoom-landmarks = معالم
