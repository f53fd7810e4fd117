import pytest

from stories.models import Tag, TagKind
from stories.tags.names import normalise_relationship
from stories.tags.services import tags_get_or_create


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kakashi/Iruka", "Iruka/Kakashi"),
        ("iruka / kakashi", "iruka/kakashi"),
        ("Iruka/Kakashi", "Iruka/Kakashi"),
        ("  Iruka   /Kakashi ", "Iruka/Kakashi"),
        ("Kakashi & Iruka", "Iruka & Kakashi"),
        ("Naruto/Sasuke/Sakura", "Naruto/Sakura/Sasuke"),
        ("Solo", "Solo"),
        ("/", "/"),
        ("  Zed/Amy/Mo  ", "Amy/Mo/Zed"),
        ("Fluff", "Fluff"),
    ],
)
def test_normalise_relationship(raw, expected):
    assert normalise_relationship(raw) == expected


def test_relationship_spellings_are_one_tag(db):
    first = tags_get_or_create(kind=TagKind.RELATIONSHIP, names=["Kakashi/Iruka"])
    second = tags_get_or_create(kind=TagKind.RELATIONSHIP, names=["iruka / kakashi"])
    third = tags_get_or_create(kind=TagKind.RELATIONSHIP, names=["Iruka/Kakashi"])
    assert first == second == third
    assert Tag.objects.filter(kind=TagKind.RELATIONSHIP).count() == 1
    assert first[0].name == "Iruka/Kakashi"


def test_platonic_relationship_is_a_different_tag(db):
    romantic = tags_get_or_create(kind=TagKind.RELATIONSHIP, names=["Kakashi/Iruka"])[0]
    platonic = tags_get_or_create(kind=TagKind.RELATIONSHIP, names=["Kakashi & Iruka"])[0]
    assert romantic != platonic
    assert platonic.name == "Iruka & Kakashi"
    assert romantic.slug != platonic.slug


def test_only_relationships_are_reordered(db):
    tag = tags_get_or_create(kind=TagKind.FREEFORM, names=["Kakashi/Iruka"])[0]
    assert tag.name == "Kakashi/Iruka"
