"""POST data for the post/edit forms, as a browser would send it."""


def work_data(**overrides) -> dict:
    data = {
        "title": "Loathing",
        "co_creators": "",
        "summary": "Iruka cannot stand him.",
        "disclaimer": "Not mine.",
        "notes": "",
        "end_notes": "",
        "rating": "teen",
        "warnings": ["none"],
        "categories": ["mm"],
        "fandoms": "Naruto",
        "relationships": "Kakashi/Iruka",
        "characters": "Hatake Kakashi, Umino Iruka",
        "freeforms": "Angst, Hurt/Comfort",
        "language": "en",
        "published_on": "2008-01-10",
        "series": "",
        "new_series": "",
        "series_position": "",
        "expected_chapters": "",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
        "links-0-kind": "",
        "links-0-work": "",
        "links-0-title": "",
        "links-0-author": "",
        "chapters-TOTAL_FORMS": "1",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "1",
        "chapters-MAX_NUM_FORMS": "200",
        "chapters-0-title": "",
        "chapters-0-summary": "",
        "chapters-0-notes": "",
        "chapters-0-body": "Iruka *hated* him.\n\nThat was that.",
        "chapters-0-body_format": "markdown",
        "chapters-0-end_notes": "",
        "action": "post",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(**overrides) -> dict:
    data = work_data(**overrides)
    return {k: v for k, v in data.items() if not k.startswith("chapters-")}


class CsrfClient:
    """Factory for a test client that enforces CSRF and sends the token as a browser
    form does (first, from the cookie a page with a form has set)."""

    def __new__(cls, **kwargs):
        from django.test import Client
        from django.urls import reverse

        class _Client(Client):
            def post(self, path, data=None, *args, **kw):
                if isinstance(data, dict) and "csrfmiddlewaretoken" not in data:
                    if "csrftoken" not in self.cookies:
                        self.get(reverse("login"))  # any page with a form sets the cookie
                    data = {"csrfmiddlewaretoken": self.cookies["csrftoken"].value, **data}
                elif data is None:
                    if "csrftoken" not in self.cookies:
                        self.get(reverse("login"))
                    data = {"csrfmiddlewaretoken": self.cookies["csrftoken"].value}
                return super().post(path, data, *args, **kw)

        return _Client(enforce_csrf_checks=True, **kwargs)
