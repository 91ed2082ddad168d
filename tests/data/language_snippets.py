"""Labelled snippets for the language tests: news prose and headlines in ar, en, fr, fa, ur.

Written for these tests; never used to tune the detector's thresholds beyond what the module
docstrings state.
"""

SNIPPETS = [
    # Arabic: prose, headlines, and Arabic quoting English.
    ("ar", "عقد وزراء الخارجية العرب اجتماعاً طارئاً في القاهرة لبحث خطة إعادة الإعمار."),
    ("ar", "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة"),
    ("ar", "المنتخب المغربي يتأهل إلى النهائي"),
    ("ar", "ارتفاع أسعار النفط مع تراجع المخزونات الأمريكية"),
    (
        "ar",
        "قال المتحدث باسم الوزارة إن الحكومة ستعلن حزمة إجراءات جديدة لدعم الأسر محدودة الدخل خلال الأسبوع المقبل.",
    ),
    (
        "ar",
        'وصرح المدير التنفيذي لشركة Apple تيم كوك بأن الشركة ستفتتح مركزاً إقليمياً في الرياض، مضيفاً: "We are committed to the region".',
    ),
    (
        "ar",
        "أعلنت منظمة الصحة العالمية WHO عن حملة تطعيم واسعة ضد الحصبة في اليمن والسودان تستهدف ملايين الأطفال.",
    ),
    (
        "ar",
        "تتفاقم أزمة المياه في البصرة مع ارتفاع نسبة الملوحة في شط العرب إلى مستويات غير مسبوقة.",
    ),
    ("ar", "رئيس الوزراء يستقبل وفداً من صندوق النقد الدولي"),
    (
        "ar",
        "شهدت بورصة الدار البيضاء ارتفاعاً ملحوظاً في تداولات اليوم بقيادة أسهم البنوك والاتصالات.",
    ),
    # English.
    (
        "en",
        "Arab foreign ministers met in Cairo on Thursday to discuss a reconstruction plan for war-damaged cities.",
    ),
    ("en", "Central bank holds interest rates for third time"),
    ("en", "Oil prices rise as US inventories fall"),
    (
        "en",
        "The World Health Organization said the vaccination campaign would reach millions of children in Yemen and Sudan.",
    ),
    (
        "en",
        "Morocco beat Nigeria 2-1 to reach the final of the Africa Cup of Nations in front of a sell-out crowd in Rabat.",
    ),
    ("en", "Water shortages in Basra worsen as salt water pushes up the Shatt al-Arab"),
    (
        "en",
        "The prime minister told reporters that the government would announce new measures next week.",
    ),
    ("en", "Tunisian olive oil exports jumped thirty percent in the first ten months of the year."),
    # French.
    (
        "fr",
        "Les ministres arabes des Affaires étrangères se sont réunis jeudi au Caire pour discuter d'un plan de reconstruction.",
    ),
    ("fr", "La banque centrale maintient ses taux directeurs pour la troisième fois"),
    ("fr", "Le Maroc se qualifie pour la finale de la Coupe d'Afrique des nations"),
    (
        "fr",
        "Les exportations d'huile d'olive tunisienne ont bondi de trente pour cent cette année.",
    ),
    (
        "fr",
        "Le gouvernement algérien a annoncé une série de mesures pour soutenir le pouvoir d'achat des ménages.",
    ),
    (
        "fr",
        "La pénurie d'eau s'aggrave à Bassora, où la salinité du fleuve atteint des niveaux records.",
    ),
    ("fr", "Selon le ministère, la campagne de vaccination touchera plusieurs millions d'enfants."),
    ("fr", "Hausse des prix du pétrole après la baisse des stocks américains"),
    # Persian: same script, letters پ چ ژ گ ک ی.
    (
        "fa",
        "وزیران خارجه کشورهای عربی روز پنجشنبه در قاهره برای بررسی طرح بازسازی شهرهای آسیب‌دیده گرد هم آمدند.",
    ),
    ("fa", "بانک مرکزی نرخ بهره را برای سومین بار ثابت نگه داشت"),
    ("fa", "قیمت نفت با کاهش ذخایر آمریکا افزایش یافت"),
    (
        "fa",
        "سازمان جهانی بهداشت اعلام کرد که کارزار واکسیناسیون میلیون‌ها کودک را در یمن و سودان پوشش می‌دهد.",
    ),
    ("fa", "تیم ملی مراکش با پیروزی بر نیجریه به فینال جام ملت‌های آفریقا راه یافت."),
    ("fa", "کمبود آب در بصره با افزایش شوری شط‌العرب بدتر شده است"),
    ("fa", "نخست‌وزیر به خبرنگاران گفت دولت هفته آینده بسته حمایتی تازه‌ای را اعلام می‌کند."),
    ("fa", "صادرات روغن زیتون تونس در ده ماه نخست سال سی درصد افزایش یافت."),
    # Urdu: letters ٹ ڈ ڑ ں ے ہ.
    (
        "ur",
        "عرب وزرائے خارجہ نے جمعرات کو قاہرہ میں تباہ شدہ شہروں کی تعمیر نو کے منصوبے پر بات چیت کی۔",
    ),
    ("ur", "مرکزی بینک نے شرح سود تیسری بار برقرار رکھی"),
    ("ur", "امریکی ذخائر میں کمی سے تیل کی قیمتوں میں اضافہ"),
    ("ur", "عالمی ادارہ صحت نے کہا ہے کہ ویکسینیشن مہم یمن اور سوڈان میں لاکھوں بچوں تک پہنچے گی۔"),
    ("ur", "مراکش نے نائیجیریا کو شکست دے کر افریقہ کپ کے فائنل میں جگہ بنا لی۔"),
    (
        "ur",
        "بصرہ میں پانی کی قلت بڑھ گئی ہے کیونکہ دریا میں نمکیات کی مقدار ریکارڈ سطح پر پہنچ گئی ہے۔",
    ),
    ("ur", "وزیر اعظم نے صحافیوں کو بتایا کہ حکومت اگلے ہفتے نئے اقدامات کا اعلان کرے گی۔"),
    ("ur", "تیونس سے زیتون کے تیل کی برآمدات میں تیس فیصد اضافہ ہوا ہے۔"),
]
