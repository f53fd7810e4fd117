"""pk__any_of passes its whole list as one text parameter and finds exactly those rows."""

import pytest

from stories.models import Work
from stories.models.lookups import bigint_array
from tests.factories import WorkFactory


def test_bigint_array_is_postgresqls_text_form_and_refuses_what_is_not_a_number():
    assert bigint_array([3, 1, 2]) == "{3,1,2}"
    assert bigint_array([]) == "{}"
    assert bigint_array(["7"]) == "{7}"
    with pytest.raises(ValueError):
        bigint_array(["1}; DROP TABLE x"])


@pytest.mark.django_db
def test_any_of_finds_exactly_the_listed_ids():
    works = [WorkFactory() for _ in range(3)]
    wanted = [works[2].pk, works[0].pk, 10**12]
    assert set(Work.objects.filter(pk__any_of=wanted).values_list("pk", flat=True)) == {works[0].pk, works[2].pk}
    assert not Work.objects.filter(pk__any_of=[]).exists()
