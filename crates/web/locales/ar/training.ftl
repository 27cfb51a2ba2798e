training-title = مركز التدريب: الدورات القادمة
training-lead = دورات خطة التدريب السنوية للعاملين بالوحدات المحلية وقياداتها. يرشّح رئيس الوحدة العاملين بها في حدود مقاعدها، ويقبلهم المركز.
training-subscribe = أضف الدورات إلى تقويمك (iCalendar)
training-none = لا توجد دورات قادمة الآن.
training-dates = الموعد
training-audience = الفئة المستهدفة
training-duration = المدة
training-center = المركز والمكان
training-partner = بالتعاون مع
training-seats = المقاعد المتاحة
training-hours = { $n ->
    [zero] أقل من ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $n } ساعات
   *[other] { $n } ساعة
}
training-seats-left = { $n ->
    [zero] اكتملت المقاعد
    [one] مقعد واحد
    [two] مقعدان
    [few] { $n } مقاعد
   *[other] { $n } مقعدًا
}
training-mode-in_person = حضوري
training-mode-online = عن بعد
training-mode-blended = مدمج
home-training = مركز التدريب: الدورات القادمة
nav-training = مركز التدريب
staff-training-title = خطة التدريب: الدورات
staff-training-course = الدورة
staff-training-taken = المقبولون / المقاعد
staff-training-done = تم الحفظ.
staff-training-capacity = عدد المقاعد
staff-training-nominate-who = رشّح من العاملين بوحدتك
staff-training-nominate = ترشيح
staff-training-roster = قائمة المرشحين
staff-training-nobody = لم يُرشَّح أحد بعد.
staff-training-trainee = المتدرب
staff-training-status = الوضع
staff-training-attended = أيام الحضور
staff-training-pre = الاختبار القبلي
staff-training-post = الاختبار البعدي
staff-training-outcome = النتيجة
staff-training-actions = الإجراءات
staff-training-accept = قبول
staff-training-decline = اعتذار
staff-training-reason = السبب
staff-training-withdraw = سحب الترشيح
staff-training-save-scores = حفظ الدرجات
staff-training-attendance = تسجيل الحضور
staff-training-day = اليوم
staff-training-present = الحاضرون
staff-training-record = تسجيل الحضور
training-status-nominated = مرشح
training-status-accepted = مقبول
training-status-wait_listed = قائمة الانتظار
training-status-declined = اعتذر المركز
training-status-withdrawn = سُحب الترشيح
training-outcome-completed = أتم الدورة
training-outcome-attendance = حضور غير كافٍ
training-outcome-test-missing = لم يؤدِّ الاختبار البعدي
training-outcome-test-failed = لم يجتز الاختبار البعدي
verify-no-expiry = لا تنتهي
staff-training-certify = إصدار الشهادات
staff-training-certify-hint = تصدر شهادة موقّعة لكل من أتم الدورة بحسب قاعدتها (الحضور والاختبار البعدي)، ويمكن لأي أحد التحقق منها برمزها.
training-mine-title = تدريبي
training-mine-certificates = شهاداتي
training-mine-no-certificate = لا توجد شهادات بعد.
training-mine-sessions = دوراتي
training-mine-no-session = لم تُرشَّح لأي دورة بعد.
certificate-title = شهادة إتمام دورة تدريبية
certificate-verify = للتحقق من الشهادة امسح الرمز أو افتح:
training-report-title = تقرير مركز التدريب
training-report-lead = المتدربون المقبولون، ونسبة من أتموها بحسب قاعدة الدورة، ونسبة اجتياز الاختبار البعدي، وساعات التدريب المنفذة (ساعات الدورة × من أتموها)، ومكسب التعلم (نسبة ما تعلموه مما بقي لهم بين الاختبارين)، وتقييم المتدربين (من ٥)، والتكلفة لكل متدرب (تكلفة الدورة على متدربيها) — لكل دورة منعقدة، ولكل برنامج ومدرب ومحافظة ومستوى وحدة.
training-report-total = الإجمالي
training-report-trainees = المتدربون
training-report-completion = نسبة الإتمام
training-report-pass = نسبة الاجتياز
training-report-hours = ساعات التدريب
training-report-gain = مكسب التعلم
training-report-satisfaction = الرضا
training-report-trainer = المدرب
training-report-relevance = الفائدة للعمل
training-plan-year = سنة الخطة
training-show = عرض
training-trainer = المدرب
training-report-every-year = كل السنوات
training-report-by-session = حسب الدورة المنعقدة
training-report-by-course = حسب البرنامج التدريبي
training-report-by-trainer = حسب المدرب
training-report-by-governorate = حسب المحافظة
training-report-by-level = حسب مستوى الوحدة
training-report-cost = التكلفة لكل متدرب
training-record-title = سجل التدريب
training-record-hours = ساعات التدريب المعتمدة
training-needs-title = الاحتياجات التدريبية
training-needs-lead = لكل موظف في الوحدة: الكفاءات التي يتطلبها دوره ولم يحصل عليها بشهادة سارية بعد، والدورات القادمة التي تبنيها؛ افتح الدورة لترشيحه.
training-needs-unit = الوحدة
training-needs-roles = الأدوار
training-needs-missing = كفاءات يحتاجها
training-needs-suggested = دورات قادمة تلبيها
training-needs-met = لا احتياج
training-needs-nobody = لا يوجد موظفون في هذه الوحدة.
role-name-clerk = موظف الشباك
role-name-department_officer = مسؤول إدارة
role-name-unit_head = رئيس الوحدة
role-name-governorate_viewer = متابعة
role-name-administrator = مدير النظام
training-attendance-code = رمز الحضور
training-attendance-code-hint = اعرض هذا الرمز على المدرب عند دخول القاعة ليسجل حضورك في يومه.
staff-training-scan = تسجيل الحضور بمسح الرمز
staff-training-scan-hint = امسح رمز الحضور من صفحة المتدرب (أو اكتب اسم المستخدم) ليُضاف إلى حضور اليوم المختار؛ يبقى حضور الآخرين كما هو.
staff-training-scan-code = رمز المتدرب
