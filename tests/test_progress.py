"""Progress, projection, PAM status and implementation score, checked by hand on the demo data."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import Agreement, Commitment, CommitmentStatusChange
from tracker.services.figures import progress as P


@pytest.fixture
def government(demo, ctx):
    return db.session.scalar(select(Commitment).where(Commitment.key == "government-releases"))


@pytest.fixture
def taliban(demo, ctx):
    return db.session.scalar(select(Commitment).where(Commitment.key == "taliban-releases"))


def test_two_batches_add_up(government):
    # 100 on 8 April and 100 on 9 April.
    assert P.progress_on(government, date(2020, 4, 8)) == 100
    assert P.progress_on(government, date(2020, 4, 9)) == 200
    assert P.progress_on(government, date(2020, 4, 7)) == 0


def test_a_reported_total_overrides_the_smaller_batch_sum(government):
    assert P.progress_on(government, date(2020, 4, 13)) == 361


def test_government_stands_at_4917_on_2_august_and_4997_on_14_august(government):
    on_2_august = P.commitment_progress(government, as_of=date(2020, 8, 2))
    assert on_2_august.achieved == 4917
    assert round(on_2_august.percent, 2) == 98.34
    # A batch of 80 after the running total of 4,917.
    assert P.progress_on(government, date(2020, 8, 14)) == 4997
    # The disputed 30 July report counts its best estimate (4,400), not the high one.
    assert P.progress_on(government, date(2020, 7, 31)) == 4400


def test_series_has_one_point_per_date_in_order(government):
    series = P.commitment_progress(government).series
    assert [p.date for p in series] == sorted({p.date for p in series})
    assert [(p.date.isoformat(), p.cumulative) for p in series[:4]] == [
        ("2020-04-08", 100),
        ("2020-04-09", 200),
        ("2020-04-13", 361),
        ("2020-04-30", 661),
    ]
    assert series[-1].cumulative == 5197  # 4,997 plus ~200 freed from 31 August to 2 September


def test_projection_uses_the_pace_of_the_last_30_days(government):
    # On 2 Aug: 4,917 now, 2,710 on 3 Jul (total of 6 Jun) -> 2,207 in 30 days, 73.57 a day;
    # 83 to go -> 1.13 days, rounded up to 2 -> 4 August 2020.
    on_2_august = P.commitment_progress(government, as_of=date(2020, 8, 2))
    assert on_2_august.projected_completion == date(2020, 8, 4)


def test_no_projection_once_reached_and_completion_date_is_recorded(government, taliban):
    assert P.commitment_progress(government).projected_completion is None
    assert P.commitment_progress(government).completed_on == date(2020, 9, 2)
    assert P.commitment_progress(taliban).completed_on == date(2020, 7, 30)


def test_no_projection_when_nothing_moved_for_30_days(ctx):
    process = factories.process()
    commitment = factories.commitment(factories.agreement(process), target=1000)
    factories.release(commitment, date(2020, 1, 1), 100)
    factories.release(commitment, date(2020, 3, 1), 0, kind="cumulative")
    assert P.commitment_progress(commitment).projected_completion is None


def test_a_lower_running_total_never_lowers_progress(ctx):
    process = factories.process()
    commitment = factories.commitment(factories.agreement(process), target=1000)
    factories.release(commitment, date(2020, 1, 1), 300)
    factories.release(commitment, date(2020, 1, 2), 250, kind="cumulative")
    factories.release(commitment, date(2020, 1, 3), 10)
    assert P.progress_on(commitment, date(2020, 1, 3)) == 310


def test_unpublished_records_do_not_count_publicly(ctx):
    process = factories.process()
    commitment = factories.commitment(factories.agreement(process), target=1000)
    factories.release(commitment, date(2020, 1, 1), 300)
    factories.release(commitment, date(2020, 1, 2), 50, status="under_review")
    factories.release(commitment, date(2020, 1, 3), 70, status="archived")
    assert P.commitment_progress(commitment).achieved == 300
    assert P.commitment_progress(commitment, P.ALL_CURRENT).achieved == 350


@pytest.mark.parametrize(
    ("percent", "status"),
    [(0, 0), (None, 0), (0.1, 1), (49.99, 1), (50, 2), (99.99, 2), (100, 3), (104, 3)],
)
def test_pam_status_follows_progress(percent, status):
    assert P.status_from_percent(percent) == status


def test_pam_status_of_countable_terms_on_dates(government):
    assert P.pam_status(government, date(2020, 3, 1)) == 0
    assert P.pam_status(government, date(2020, 4, 30)) == 1  # 661 of 5,000
    assert P.pam_status(government, date(2020, 6, 6)) == 2  # 2,710: 54 %
    assert P.pam_status(government, date(2020, 9, 2)) == 3


def test_implementation_score_over_time(demo, ctx):
    agreement = db.session.scalar(select(Agreement).where(Agreement.key == "doha"))
    # Three terms: government releases, Taliban releases, reduction in violence (never rated: 0).
    assert P.implementation_score(agreement, date(2020, 3, 1)) == 0
    # 30 April: government 661/5,000 -> 1; Taliban 60/1,000 -> 1; RIV 0: 2 / 9.
    assert P.implementation_score(agreement, date(2020, 4, 30)) == pytest.approx(200 / 9)
    # 2 September: both release terms full (3 + 3), RIV 0: 6 / 9.
    assert P.implementation_score(agreement, date(2020, 9, 2)) == pytest.approx(600 / 9)
    riv = next(c for c in agreement.commitments if c.kind == "violence_reduction")
    db.session.add(
        CommitmentStatusChange(
            commitment=riv, changed_on=date(2020, 2, 28), pam_status=3, status="published"
        )
    )
    db.session.flush()
    assert P.implementation_score(agreement, date(2020, 2, 27)) == 0
    assert P.implementation_score(agreement, date(2020, 9, 2)) == pytest.approx(100)
