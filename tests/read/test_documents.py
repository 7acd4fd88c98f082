"""read_document on the seeds and on hostile inputs built in tmp_path."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from golden import digest  # tests/golden.py: seed values kept as digests, not text
from planmap.errors import DocumentError
from planmap.read.documents import Document, read_document

PLAN = "某县道路建设三年行动方案\n一、总体要求\n改造G102国道，建设道路12公里。\n二、保障措施\n加强组织领导。\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def problem(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert info.value.path == str(path)
    return info.value


# ---------------------------------------------------------------- seeds


@pytest.mark.seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_reads(seed, prefix: str) -> None:
    doc = read_document(seed(prefix))
    assert isinstance(doc, Document)
    assert doc.format == "txt" and doc.encoding == "utf-8"
    assert doc.id == seed(prefix).stem
    assert len(doc.text) == len(doc.original_text) > 1000
    assert "\t" not in doc.text and "\n\n\n" not in doc.text


@pytest.mark.seeds
def test_seed_002_body_kept_once(seed) -> None:
    doc = read_document(seed("002"))
    lines = doc.text.split("\n")  # two headings of the body, once each although the body is repeated
    assert sum(digest(line[:17]) == "661a4601358e" for line in lines) == 1
    assert sum(digest(line[:12]) == "aafbdeda77b9" for line in lines) == 1
    assert "body repeated; kept once" in doc.warnings
    assert "text truncated mid-sentence" in doc.warnings
    assert "no title found" in doc.warnings
    assert doc.text.endswith("提升城市运行保障能")


@pytest.mark.seeds
def test_seed_003_credits_disclaimer_email_gone(seed) -> None:
    doc = read_document(seed("003"))
    for gone in ("记者", "摄影：", "通讯员", "免责声明", "投诉邮箱", "@", "本站"):
        assert gone not in doc.text
    assert doc.text.rstrip().endswith("切实构筑群体免疫屏障。")
    assert any(w.startswith("removed 2 line(s)") for w in doc.warnings)


@pytest.mark.seeds
def test_seed_001_web_chrome_gone(seed) -> None:
    doc = read_document(seed("001"))
    for gone in ("文章来源", "添加时间", "阅读：", "此件公开发布"):
        assert gone not in doc.text
    assert doc.text.startswith("铁岭市人民政府关于印发")
    assert "各县（市）、区人民政府，市直各部门" in doc.text  # ASCII punctuation normalised
    assert "（辽政发〔2022〕6号）" in doc.text
    assert any(w.startswith("removed 4 line(s)") for w in doc.warnings)


@pytest.mark.seeds
def test_seed_004_split_cells_joined(seed) -> None:
    doc = read_document(seed("004"))
    lines = doc.text.split("\n")
    assert "2019年1月31日" in lines
    assert "综合监管和执法局" in lines
    assert "2019年" not in lines and "执法局" not in lines
    assert "李伟" in lines  # spaces inside a name removed
    # ledger cells stay separate lines, rows separated by a blank line
    i = lines.index("2019年1月31日")
    assert [digest(cell) for cell in lines[i - 3 : i]] == ["7f08290d0830", "cc354957f371",
                                                        digest("李伟")]
    assert lines[i + 1 : i + 3] == ["", "2"]


# ---------------------------------------------------------------- encodings


def test_gbk_round_trip(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "gbk.txt", PLAN.encode("gbk")))
    assert doc.encoding == "gb18030"
    assert doc.original_text == PLAN.strip()
    assert doc.metadata.title == "某县道路建设三年行动方案"


def test_utf8_bom(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + PLAN.encode("utf-8")))
    assert doc.encoding == "utf-8"
    assert doc.original_text == PLAN.strip()


def test_utf16_bom(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "u16.txt", PLAN.encode("utf-16")))
    assert doc.encoding == "utf-16"
    assert doc.original_text == PLAN.strip()


def test_big5_traditional(tmp_path: Path) -> None:
    raw = "鐵嶺縣人民政府關於印發《鐵嶺縣道路建設三年行動方案》的通知\n現將方案印發給你們，請認真貫徹執行。\n"
    doc = read_document(write(tmp_path, "big5.txt", raw.encode("big5")))
    assert doc.encoding == "big5"
    assert doc.original_text.startswith("鐵嶺縣")
    assert doc.metadata.title == "铁岭县道路建设三年行动方案"


def test_damaged_utf8_is_refused(tmp_path: Path) -> None:
    data = ("推进道路建设，完善配套设施。" * 20).encode() + b"\xff" + "建设公园。".encode()
    err = problem(write(tmp_path, "bad.txt", data))
    assert err.problem.startswith("cannot decode text")
    assert err.hint


def test_traditional_input(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "trad.txt", "鐵嶺縣推進道路建設。\n".encode()))
    assert "铁岭县" in doc.text
    assert "鐵嶺縣" in doc.original_text
    assert len(doc.text) == len(doc.original_text)
    assert doc.text.index("铁岭县") == doc.original_text.index("鐵嶺縣")


# ---------------------------------------------------------------- hostile files


def test_empty_file(tmp_path: Path) -> None:
    assert problem(write(tmp_path, "empty.txt", b"")).problem == "no text"


def test_whitespace_only_file(tmp_path: Path) -> None:
    assert problem(write(tmp_path, "blank.txt", b" \n\t\r\n")).problem == "no text"


def test_only_punctuation(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "punct.txt", "，。！？……——\n（）【】\n123\n".encode()))
    assert err.problem == "no text"


def test_only_web_chrome(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "chrome.txt", "来源：某县人民政府\n阅读：\n字号：大 中 小\n".encode()))
    assert err.problem == "no text"


def test_binary_file(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "binary.txt", bytes(range(256)) * 40))
    assert err.problem.startswith("not a text document")


def test_png_named_txt(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n" + b"\x01" * 100))
    assert err.problem == "not a text document (looks like a PNG image)"


def test_control_characters(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "ctl.txt", b"\x01\x02\x03\x04abc" * 500))
    assert err.problem.startswith("not a text document")


def test_unknown_extension(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "plan.xlsx", b"whatever"))
    assert "supported formats" in err.hint and ".docx" in err.hint


def test_missing_file(tmp_path: Path) -> None:
    assert problem(tmp_path / "nope.txt").problem == "file not found"


@pytest.mark.slow
def test_large_text_reads(tmp_path: Path) -> None:
    para = "第{}条 实施老旧管网改造，同步完善路灯、绿化和停车设施，新建道路{}公里。\n"
    path = tmp_path / "big.txt"
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        n = 0
        while size < 50 * 1024 * 1024:
            line = para.format(n, n % 97)
            fh.write(line)
            size += len(line.encode())
            n += 1
    start = time.perf_counter()
    doc = read_document(path)
    elapsed = time.perf_counter() - start
    print(f"\n50 MB text: {size / 1e6:.1f} MB read in {elapsed:.1f} s")
    assert doc.text.count("\n") == n - 1


# ---------------------------------------------------------------- formats


def _pdf(content: bytes | None) -> bytes:
    """A one-page PDF: a Helvetica text object, or (None) only an image."""
    if content is None:
        resources = b"<< /XObject << /Im1 5 0 R >> >>"
        stream = b"q 100 0 0 100 50 50 cm /Im1 Do Q"
        extra = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    else:
        resources = b"<< /Font << /F1 5 0 R >> >>"
        stream = b"BT /F1 12 Tf 20 100 Td (" + content + b") Tj ET"
        extra = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources " + resources + b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        extra,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_with_text_layer(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "plan.pdf", _pdf(b"Road Plan 2023: build G102")))
    assert doc.format == "pdf" and doc.encoding is None
    assert "Road Plan 2023: build G102" in doc.text


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "scan.pdf", _pdf(None)))
    assert err.problem == "no text layer (scanned PDF?)"
    assert err.hint == "run OCR first"


def test_corrupt_pdf(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "broken.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50))
    assert err.problem.startswith(("corrupt or unreadable PDF", "no text layer"))


def test_real_docx(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("某区道路建设实施方案")
    d.add_paragraph("一、重点工作")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([("序号", "任务", "牵头单位"), ("1", "建设G102国道改造工程。", "交通局")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("二、保障措施")
    path = tmp_path / "plan.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.format == "docx" and doc.encoding is None
    assert doc.text.split("\n") == [
        "某区道路建设实施方案", "一、重点工作", "",
        "序号", "任务", "牵头单位", "",
        "1", "建设G102国道改造工程。", "交通局", "",
        "二、保障措施",
    ]
    assert doc.metadata.title == "某区道路建设实施方案"


def test_corrupt_docx(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "broken.docx", b"PK\x03\x04" + b"\x00not really a zip" * 20))
    assert err.problem.startswith("corrupt or unreadable .docx")


def test_text_named_docx(tmp_path: Path) -> None:
    err = problem(write(tmp_path, "fake.docx", PLAN.encode()))
    assert err.problem.startswith("corrupt or unreadable .docx")


def test_html_gbk_with_script_and_nav(tmp_path: Path) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "<title>站点标题</title><style>p{color:red}</style></head><body>"
        "<nav>首页 &gt; 政务公开</nav><header>某市人民政府门户网站</header>"
        "<script>var 脚本 = '不应出现';</script>"
        "<div class=\"content\"><h1>某县道路建设\n三年行动方案</h1>"
        "<p>一、总体要求</p><p>改造<b>G102</b>国道，<br>建设道路12公里。</p>"
        "<table><tr><td>序号</td><td>任务</td></tr><tr><td>1</td><td>修路</td></tr></table>"
        "<p>来源：某县交通局</p></div><footer>版权所有 某县</footer></body></html>"
    )
    doc = read_document(write(tmp_path, "page.html", html.encode("gbk")))
    assert doc.format == "html" and doc.encoding == "gb18030"
    for gone in ("脚本", "不应出现", "首页", "门户网站", "站点标题", "color", "版权所有", "来源"):
        assert gone not in doc.text
    assert doc.text.split("\n") == [
        "某县道路建设三年行动方案", "一、总体要求", "改造G102国道，", "建设道路12公里。", "",
        "序号", "任务", "", "1", "修路",
    ]
    assert doc.metadata.title == "某县道路建设三年行动方案"


def test_htm_without_charset_is_detected(tmp_path: Path) -> None:
    html = "<html><body><p>某县道路建设三年行动方案</p><p>建设道路。</p></body></html>"
    doc = read_document(write(tmp_path, "page.htm", html.encode("gb18030")))
    assert doc.encoding == "gb18030"
    assert doc.text.split("\n") == ["某县道路建设三年行动方案", "建设道路。"]
