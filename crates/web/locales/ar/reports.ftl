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
photo-unreadable = تعذرت قراءة الصورة.
photo-type-not-accepted = يجب أن تكون الصورة بصيغة JPEG أو PNG.
note-required = اكتب ملاحظة يراها الجمهور (ما الذي تم، أو سبب الرفض).
report-unknown = لا يوجد بلاغ بهذا الرقم.
merge-target-invalid = يُدمج البلاغ فقط في بلاغ آخر ليس هو نفسه مكررًا.
not-the-reporter = هذا ليس البريد الإلكتروني أو رقم المحمول الذي قُدم به البلاغ.
status-unknown = حالة غير معروفة.
