"""Rebuild archive.warc.gz (one HTML response record) with warcio: python make_warc.py"""

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HTML = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>تونس: انطلاق الحملة الانتخابية للانتخابات البلدية</title>
<meta property="og:site_name" content="صدى المغرب العربي">
<meta property="article:published_time" content="2018-04-14T10:00:00+01:00"></head>
<body><article><h1>تونس: انطلاق الحملة الانتخابية للانتخابات البلدية</h1>
<p>انطلقت اليوم السبت في تونس الحملة الانتخابية للانتخابات البلدية المقررة في 6 ماي المقبل، وهي الأولى منذ ثورة 2011.</p>
<p>وقال رئيس الهيئة العليا المستقلة للانتخابات محمد التليلي المنصري إن أكثر من 2000 قائمة انتخابية تتنافس في 350 دائرة.</p>
<p>وأضاف المنصري أن الهيئة "اتخذت كل الإجراءات لضمان نزاهة الاقتراع وشفافيته".</p>
</article></body></html>"""


def main() -> None:
    out = Path(__file__).with_name("archive.warc.gz")
    with open(out, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = writer.create_warc_record("https://example.org/maghreb/tunisia-municipal", "response",
                                        payload=BytesIO(HTML.encode("utf-8")), http_headers=headers,
                                        warc_headers_dict={"WARC-Date": "2018-04-14T10:05:00Z"})
        writer.write_record(rec)


if __name__ == "__main__":
    main()
