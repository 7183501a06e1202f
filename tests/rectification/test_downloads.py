from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.rectification import services
from kaoping.rectification.models import Problem, ProblemState

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def ledger(unit_a: Any, unit_b: Any, reviewer: Any, reporter_a: Any) -> Any:
    for n in range(13):
        services.create(
            unit=unit_a,
            actor=reviewer,
            data=services.ProblemInput(
                description=f"=问题{n}" if n == 0 else f"问题{n}",
                item_id="1.1",
                item_name="1.1 制度建设",
                responsible_unit="财务科",
                responsible_person="张三",
            ),
        )
    Problem.objects.filter(unit=unit_a, number__lte=11).update(state=ProblemState.CLOSED)
    Problem.objects.filter(unit=unit_a, number=13).update(deadline=TODAY - datetime.timedelta(days=1))
    return unit_a


def _sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def test_the_excel_ledger_reads_back_with_rates_and_print_setup(ledger, unit_b, client_for, organizer):
    from openpyxl import load_workbook

    response = client_for(organizer).get(reverse("rectification:ledger_xlsx", args=[ledger.campaign_id]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["整改台账", "按单位", "按指标"]
    main = book["整改台账"]
    rows = _sheet_rows(main)
    assert rows[0][0].endswith("问题整改台账") and "A1:L1" in {str(r) for r in main.merged_cells.ranges}
    assert rows[2][:3] == ("序号", "单位", "问题来源")
    body = rows[3:]
    assert len(body) == 13 and body[0][5] == "=问题0"  # formula-like text stays text
    states = [r[9] for r in body]
    assert states.count("已整改") == 11 and states.count("已超期") == 1 and states.count("整改中") == 1
    assert main.page_setup.paperSize == 9 and main.oddFooter.center.text == "第 &P 页 共 &N 页"
    by_unit = {r[1]: r for r in _sheet_rows(book["按单位"])[3:]}
    a = by_unit[ledger.organization.name]
    assert a[2:6] == (13, 11, 1, 1) and round(float(a[6]), 3) == 0.846
    assert book["按单位"].cell(row=4 + list(by_unit).index(ledger.organization.name), column=7).number_format == "0.0%"
    assert by_unit[unit_b.organization.name][6] == "缺"  # no problems: no rate, never 0
    item = _sheet_rows(book["按指标"])[3]
    assert item[1] == "1.1 制度建设" and item[2:4] == (13, 11)


def test_the_word_ledger_reads_back_with_fonts_and_rates(ledger, client_for, reporter_a):
    from docx import Document
    from docx.oxml.ns import qn

    url = reverse("rectification:ledger_docx", args=[ledger.campaign_id]) + f"?unit={ledger.pk}"
    response = client_for(reporter_a).get(url)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"({ledger.organization.name})问题整改台账" in text
    problems, by_unit, by_item = document.tables
    assert len(problems.rows) == 14 and problems.rows[0].cells[0].text == "序号"
    assert by_unit.rows[1].cells[6].text == "84.6%" and by_item.rows[1].cells[1].text == "1.1 制度建设"
    title_run = document.paragraphs[0].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape


def test_a_unit_downloads_only_its_own_problems(ledger, unit_b, client_for, reporter_b):
    from openpyxl import load_workbook

    response = client_for(reporter_b).get(reverse("rectification:ledger_xlsx", args=[ledger.campaign_id]))
    book = load_workbook(io.BytesIO(response.content))
    assert _sheet_rows(book["整改台账"])[3][0] == "暂无整改问题。"
    url = reverse("rectification:ledger_xlsx", args=[ledger.campaign_id]) + f"?unit={ledger.pk}"
    assert client_for(reporter_b).get(url).status_code == 404
