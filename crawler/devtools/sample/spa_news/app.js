// A single-page-app news site: the article page is a shell and this script builds the article.
const ARTICLES = {
  "/article/1.html": {
    title: "قمة المناخ في شرم الشيخ تتفق على صندوق للخسائر والأضرار",
    published: "2026-11-21T18:30:00+02:00",
    paragraphs: [
      "اتفقت الدول المشاركة في قمة المناخ المنعقدة في شرم الشيخ على إنشاء صندوق خاص لتعويض الدول الفقيرة عن الخسائر والأضرار الناجمة عن الكوارث المناخية، بعد مفاوضات شاقة امتدت يومين إضافيين.",
      "وقال رئيس القمة إن الاتفاق يمثل خطوة تاريخية طال انتظارها، مشيراً إلى أن تفاصيل التمويل وآليات الصرف ستحدد خلال العام المقبل بمشاركة المؤسسات المالية الدولية.",
      "في المقابل انتقدت منظمات بيئية غياب التزامات واضحة بخفض الانبعاثات، معتبرة أن الصندوق وحده لا يكفي لمواجهة ارتفاع درجات الحرارة."
    ]
  },
  "/article/2.html": {
    title: "افتتاح الخط الأول من مترو الرياض أمام الركاب",
    published: "2026-11-19T07:00:00+03:00",
    paragraphs: [
      "افتتحت هيئة النقل الخط الأول من مترو الرياض أمام الركاب صباح اليوم، بعد سنوات من الأعمال الإنشائية، ويربط الخط شمال العاصمة بوسطها عبر اثنتي عشرة محطة.",
      "وتوقعت الهيئة أن ينقل المترو أكثر من مئة ألف راكب يومياً في مرحلته الأولى، مع تشغيل القطارات كل أربع دقائق في ساعات الذروة.",
      "ويأمل السكان أن يخفف المشروع من الازدحام المروري الخانق الذي تشهده الطرق الرئيسية في المدينة خلال ساعات العمل."
    ]
  }
};

function render(article) {
  const root = document.getElementById("root");
  root.innerHTML = "";
  const el = document.createElement("article");
  const h1 = document.createElement("h1");
  h1.textContent = article.title;
  const time = document.createElement("time");
  time.setAttribute("datetime", article.published);
  el.append(h1, time);
  for (const text of article.paragraphs) {
    const p = document.createElement("p");
    p.textContent = text;
    el.append(p);
  }
  root.append(el);
  document.title = article.title;
}

const known = ARTICLES[location.pathname];
if (known) {
  setTimeout(() => render(known), 300);  // like a real app, the text arrives after load
} else {
  // Article 3 comes from the site's JSON API on the same server.
  const id = location.pathname.match(/(\d+)\.html$/)[1];
  fetch(`/api/${id}.json`).then((r) => r.json()).then(render);
}
