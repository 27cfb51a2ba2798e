nav-process = تحليل الإجراءات
process-title = تحليل الإجراءات: كيف تسير الطلبات فعلًا
process-lead = من سجل الأحداث الذي يحفظه بلدية لكل طلب: أين تنتظر الملفات، وأي المراحل تعيدها، وأي الوحدات أسرع، وأين يختلف المسار الفعلي عن الإجراء المنشور. كل رقم يفتح الطلبات التي وراءه.
process-filter = عرض
process-service = الخدمة
process-unit = الوحدة
process-channel = قناة التقديم
process-from = من يوم
process-to = إلى يوم
process-compare = قارن بوحدة
process-all = الكل
process-none = لا مقارنة
process-activity-submitted = تقديم الطلب
process-activity-resubmitted = استكمال النواقص وإعادة التقديم
process-applicant = مقدم الطلب
process-start = بداية
process-end = نهاية
process-map = خريطة الإجراء الفعلية
process-map-lead = المراحل من أعلى إلى أسفل بترتيب وصول الملفات إليها. سُمك السهم بعدد مرات المرور؛ الأسهم على اليمين تقفز مراحل، وعلى اليسار تعود للخلف (إعادة عمل). الرقم على السهم: عدد المرات · الوسيط الزمني بين النشاطين.
process-hidden-arcs = { $n ->
    [one] أُخفي سهم نادر (أقل من ١٪ من الطلبات)؛ تجده في الجدول.
   *[other] أُخفيت { $n } أسهم نادرة (أقل من ١٪ من الطلبات)؛ تجدها في الجدول.
}
process-hours = { $n ->
    [zero] أقل من ساعة
    [one] ساعة
    [two] ساعتان
    [few] { $n } ساعات
   *[other] { $n } ساعة
}
process-days = { $n ->
    [zero] أقل من يوم
    [one] يوم
    [two] يومان
    [few] { $n } أيام
   *[other] { $n } يومًا
}
process-cases = الطلبات
process-median-days = الوسيط الزمني للإنجاز (أيام عمل)
process-p90-days = ٩٠٪ من الطلبات تُنجز خلال (أيام عمل)
process-rework = نسبة إعادة العمل
process-fitness = المطابقة للإجراء المنشور
process-conforming = طلبات مطابقة تمامًا
process-worst-step = أبطأ مرحلة
process-cases-count = { $n ->
    [zero] لا توجد طلبات
    [one] طلب واحد
    [two] طلبان
    [few] { $n } طلبات
   *[other] { $n } طلبًا
}
process-headline = الأرقام الرئيسية
process-bottlenecks = الاختناقات: أين تنتظر الملفات
process-bottlenecks-lead = المدة من وصول الملف إلى المرحلة حتى اتخاذ الإجراء فيها (انتظار وعمل معًا)، بأيام العمل في تقويم الوحدة، مقارنة بمدة الخدمة المعلنة للمرحلة.
process-step = المرحلة
process-department = الإدارة
process-visits = مرات المرور
process-median = الوسيط (أيام عمل)
process-p90 = ٩٠٪ خلال (أيام عمل)
process-sla = المدة المعلنة (أيام عمل)
process-over-sla = تجاوزت المدة
process-variants = المسارات الأكثر تكرارًا
process-path = المسار
process-share = النسبة
process-median-time = الوسيط الزمني
process-conformance = المطابقة للإجراء المنشور
process-conformance-lead = كل طلب يُقارن بنسخة الإجراء التي قُدم عليها. محرك سير العمل في بلدية لا يسمح بالخروج عن الإجراء، فالانحرافات تأتي من ملفات سُجلت خارجه (دفاتر ورقية، نظام سابق، استيراد).
process-no-deviation = لا انحرافات: كل الطلبات سارت على الإجراء المنشور.
process-deviation = الانحراف
process-subject = المرحلة أو النشاط
process-by-unit = حسب الوحدة
process-by-month = حسب شهر التقديم
process-by-channel = حسب قناة التقديم
process-month = الشهر
process-comparison = مقارنة وحدتين على الخدمة نفسها
process-figure = المؤشر
process-arcs = كل الانتقالات بين الأنشطة
process-from-activity = من
process-to-activity = إلى
process-count = المرات
process-csv = تنزيل CSV
process-cases-title = الطلبات وراء الرقم
process-back = العودة إلى التحليل
process-tracking = رقم التتبع
process-deviations = الانحرافات
process-activities = الأنشطة
process-first-shown = تُعرض أول ٥٠٠ طلب؛ الملف يضمها كلها.
process-empty = لا توجد طلبات بهذه الشروط.
deviation-skipped = مرحلة متجاوزة
deviation-repeated = نشاط مكرر
deviation-out_of_order = نشاط في غير ترتيبه
deviation-unexpected = نشاط غير متوقع
deviation-other_department = نفذته إدارة أخرى
