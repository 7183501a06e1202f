"""The live-rating progress board (测评进度大屏): ballots received / expected per unit, as a chart
and a table, polled by htmx while the session is open; no site menu, no grade."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.ratings.conftest import issue, post_ballot
from tests.ratings.test_views import open_first, rater_client

from kaoping.ratings import services


def test_progress_board_counts_received_against_expected_ballots(session: Any, organizer: Any, client_for: Any) -> None:
    raters = issue(session, [("甲", "leaders", None), ("乙", "heads", None), ("丙", "heads", None)])
    unit = open_first(session)
    for (_credential, token), grade in zip(raters[:2], ["好", "一般"], strict=True):
        assert post_ballot(rater_client(token), unit, grade, str(uuid.uuid4())).status_code == 201
    client = client_for(organizer)
    page = client.get(f"/rating/sessions/{session.pk}/progress/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="site-menu"' not in html and "主导航" not in html  # the big screen has no site menu
    assert f'hx-get="/rating/sessions/{session.pk}/progress/?poll=1"' in html and 'hx-trigger="every 2s"' in html
    name = unit.campaign_unit.organization.name
    row = html.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]
    assert '<td class="num">2 / 3</td>' in row and "66.7%" in row  # 2 of 3 raters, half up to one place
    data = json.loads(html.split('<script id="chart-progress" type="application/json">')[1].split("</script>")[0])
    position = data["labels"].index(f"{unit.position}. {name}")
    assert data["series"][0]["values"][position] == 2 and data["series"][1]["values"][position] == 3
    assert "好" not in row and "一般" not in html  # counts only, never a grade

    fragment = client.get(f"/rating/sessions/{session.pk}/progress/", {"poll": "1"}).content.decode()
    assert fragment.startswith('<div id="progress"') and "<html" not in fragment


def test_progress_board_stops_polling_once_the_session_closes(session: Any, organizer: Any, client_for: Any) -> None:
    services.session_close(session=session, actor=organizer)
    html = client_for(organizer).get(f"/rating/sessions/{session.pk}/progress/").content.decode()
    assert "hx-trigger" not in html and "已结束" in html


def test_progress_board_is_for_the_organizer_and_leaders_only(
    session: Any, leader: Any, reporter_a: Any, other_organizer: Any, client_for: Any
) -> None:
    url = f"/rating/sessions/{session.pk}/progress/"
    assert client_for(leader).get(url).status_code == 200
    assert client_for(reporter_a).get(url).status_code == 404
    assert client_for(other_organizer).get(url).status_code == 404
