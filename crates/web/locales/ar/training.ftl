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
