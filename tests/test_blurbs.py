"""Blurbs rendered in Python (stories.blurbs.render_blurb) must equal the template
stories/_work_blurb.html, byte for byte, whatever the work holds."""

import pytest
from django.template.loader import render_to_string

from stories.blurbs import TEMPLATE, attach_listing, blurb_key, render_blurb
from stories.models import TagKind, Work
from tests.factories import TagFactory, UserFactory, WorkFactory


@pytest.mark.django_db
def test_python_blurbs_equal_the_template():
    fandom = TagFactory(name="Café & <Co>", kind=TagKind.FANDOM)
    other = TagFactory(name='"Quoted" fandom', kind=TagKind.FANDOM)
    relationship = TagFactory(name="A/B", kind=TagKind.RELATIONSHIP)
    character = TagFactory(name="Zoë", kind=TagKind.CHARACTER)
    freeform = TagFactory(name="Fluff & Angst", kind=TagKind.FREEFORM)
    WorkFactory(title="Plain")
    WorkFactory(
        title='<b>Bold</b> & "quoted"',
        tags=[fandom, other, relationship, character, freeform],
        creators=[UserFactory(username="ann"), UserFactory(username="bob.o")],
        warnings=["violence", "death"],
        categories=["ff", "mm"],
        is_complete=True,
        kudos_count=12345,
        hit_count=1234567,
        chapters=3,
        language="pt-BR",
    )
    WorkFactory(title="No creators, no summary", creators=[], summary="", warnings=[], categories=[], tags=[character])
    WorkFactory(title="Only freeform", tags=[freeform], expected_chapters=9, language="xx")
    works = list(Work.objects.all().for_listing())
    assert len(works) == 4
    # List pages load their works' tags and creators as rows instead: the same blurb.
    rows = list(Work.objects.all())
    attach_listing(rows)
    by_pk = {work.pk: work for work in rows}
    for work in works:
        assert render_blurb(work) == render_to_string(TEMPLATE, {"work": work})
        assert render_blurb(by_pk[work.pk]) == render_blurb(work)
        assert render_to_string(TEMPLATE, {"work": by_pk[work.pk]}) == render_blurb(work)
        assert blurb_key(by_pk[work.pk]) == blurb_key(work)
