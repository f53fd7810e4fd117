"""Readable English made up on the spot, for demo and benchmark data: titles,
summaries, paragraphs of a story, notes, comments, bookmark notes, fandom names
and usernames. Nothing here is copied prose: the text comes from the word lists
and sentence patterns below, written for Quire, and a seeded `random.Random`, so
the same seed gives the same text.

A pattern is a string with slots in braces: `{thing}` is replaced by one of the
alternatives listed under "thing" (which may hold slots of their own), and `{A}`,
`{B}`, `{C}` by the names of the people in the story, given by the caller.
"""

import bisect
import heapq
import random
import re
from collections.abc import Sequence

# --- skewed choice -------------------------------------------------------------------


def zipf_weights(n: int, s: float = 1.05) -> list[float]:
    """Cumulative Zipf weights for ranks 0..n-1 (rank 0 the heaviest): the shape of
    tag, author and vocabulary popularity on real archives."""
    total, cumulative = 0.0, []
    for rank in range(n):
        total += 1 / (rank + 1) ** s
        cumulative.append(total)
    return cumulative


class Picker:
    """Zipf-skewed choice from a list: index 0 is the most popular. `s` is the
    exponent (about 1 for words and tags; larger is steeper)."""

    def __init__(self, items: list, rng: random.Random, s: float = 1.05):
        self.items, self.rng = items, rng
        self.cumulative = zipf_weights(len(items), s)
        self.total = self.cumulative[-1]
        self.s = s

    def one(self):
        """One pick."""
        return self.items[bisect.bisect(self.cumulative, self.rng.random() * self.total)]

    def some(self, k: int) -> list:
        """k picks, with repeats."""
        return self.rng.choices(self.items, cum_weights=self.cumulative, k=k)

    def distinct(self, k: int) -> list:
        """min(k, len(items)) different items, the popular ones more likely: a weighted
        sample without replacement (Efraimidis and Spirakis: the k largest of
        u ** (1 / weight))."""
        rng = self.rng.random
        keys = ((rng() ** ((rank + 1) ** self.s), rank) for rank in range(len(self.items)))
        return [self.items[rank] for _, rank in heapq.nlargest(max(k, 0), keys)]


# --- the word lists and patterns ----------------------------------------------------

# Singular things that can sit on a table or in a pocket ("the {thing}").
THINGS = [
    "kettle", "lantern", "letter", "map", "spare key", "coat", "notebook", "photograph", "compass", "umbrella",
    "scarf", "teacup", "violin", "radio", "chessboard", "postcard", "ledger", "telescope", "quilt", "candle",
    "bicycle", "pocket watch", "sketchbook", "music box", "paper crane", "ring", "lamp", "blanket", "recipe card",
    "train ticket", "seed packet", "fishing rod", "typewriter", "mixtape", "sword", "shield", "spellbook",
    "lucky coin", "field guide", "wooden fox", "jar of honey", "apple crate", "old jacket", "keyring",
]  # fmt: skip
# Plural things for titles ("Where the {things} {gather}").
THINGS_PLURAL = [
    "letters", "lanterns", "keys", "maps", "stars", "foxes", "swallows", "paper boats", "ghosts", "wolves",
    "bells", "sparrows", "roses", "matches", "embers", "tides", "kites", "moths", "herons", "lighthouses",
    "wildflowers", "orchards", "comets", "ferries", "candles", "violets", "ravens", "islands",
]  # fmt: skip
PLACES = [
    "harbour", "kitchen", "station", "library", "orchard", "lighthouse", "market", "bridge", "rooftop",
    "greenhouse", "workshop", "boathouse", "attic", "bakery", "corridor", "balcony", "garden", "training yard",
    "archive", "infirmary", "observatory", "ferry landing", "tea shop", "bookshop", "stables", "old mill",
    "back stairs", "crossroads", "village square", "night market", "school gate", "riverbank", "laundrette",
]  # fmt: skip
ABSTRACTS = [
    "quiet", "mercy", "distance", "gravity", "forgiveness", "salt", "thunder", "small hours", "second chances",
    "borrowed time", "unfinished things", "ordinary magic", "late summer", "first snow", "honey", "ashes",
    "starlight", "good intentions", "bad decisions", "homecoming", "longing", "silence", "echoes", "old wounds",
    "safe harbours", "lost causes", "shared secrets", "slow mornings", "kindness", "weather", "wanting",
    "open water", "rain", "paper promises", "soft places",
]  # fmt: skip
ADJECTIVES = [
    "quiet", "borrowed", "paper", "silver", "broken", "small", "crooked", "bright", "stolen", "gentle", "hollow",
    "golden", "careful", "restless", "ordinary", "distant", "faded", "wild", "sudden", "slow", "hopeful", "tender",
    "reckless", "unspoken", "salt-stained", "winter", "midnight", "secondhand", "half-remembered", "unfinished",
]  # fmt: skip
EVENTS = [
    "storm", "harvest", "festival", "flood", "war", "wedding", "eclipse", "thaw", "fall", "fire", "tournament",
    "long winter", "last train", "coronation", "exam", "heatwave", "blackout", "reunion",
]  # fmt: skip
NAME_SLOTS = frozenset({"A", "B", "C"})

# fmt: off
GRAMMAR: dict[str, list[str]] = {
    "thing": THINGS,
    "things": THINGS_PLURAL,
    "place": PLACES,
    "abstract": ABSTRACTS,
    "adjective": ADJECTIVES,
    "event": EVENTS,
    # --- titles (title-cased afterwards) ---
    "title": [
        "The {measure} of {abstract}", "{adjective} {things}", "What the {place} {kept}",
        "{abstract} and {abstract}", "A {adjective} Kind of {abstract}", "Where the {things} {gather}",
        "{gerund} the {thing}", "After the {event}", "Before the {event}", "Everything We {kept}",
        "{count} Ways to {mend} a {thing}", "Still Life with {thing}", "Letters from the {place}",
        "If the {holder} Holds", "Until the {things} {gather}", "The Long Way {home}", "{abstract}",
        "Notes on {abstract}", "The {adjective} {place}", "{adjective} {abstract}", "Small {things}",
        "Someone Else's {thing}", "{abstract}, Mostly", "In the {adjective} {place}",
        "{count} Letters from the {place}",
    ],
    "measure": ["weight", "shape", "sound", "colour", "map", "art", "science", "geography", "language", "habit"],
    "kept": ["remembered", "kept", "forgot", "carried", "promised", "left behind", "knew", "saw", "buried", "owed"],
    "gather": ["sleep", "gather", "sing", "wait", "go", "burn", "fall", "wander", "rest", "return", "drift"],
    "gerund": [
        "mending", "crossing", "keeping", "finding", "chasing", "holding", "learning", "counting", "waiting for",
        "naming", "building", "outrunning", "charting", "borrowing", "returning",
    ],
    "count": ["three", "five", "seven", "nine", "twelve", "a hundred"],
    "mend": ["mend", "lose", "keep", "return", "break", "find", "hide", "carry"],
    "holder": ["bridge", "ice", "line", "roof", "rope", "door", "ceasefire", "weather"],
    "home": ["home", "round", "back", "down", "out"],
    "chapter_title": [
        "{title}", "{title}", "In Which {A} {did_title}", "{A}", "{A} and {B}", "The {place}", "{event}",
        "Part of the {abstract}", "{adjective} Hours",
    ],
    "did_title": [
        "Makes Tea", "Loses a Bet", "Finds the {thing}", "Says Too Much", "Misses the Train", "Keeps a Promise",
        "Goes Home", "Learns to Swim", "Gets Lost", "Tells the Truth", "Bakes Bread", "Stays",
    ],
    # --- summaries ---
    "summary": [
        "{A} has {span} to {goal}. {B} has other plans.", "After the {event}, {A} {acted}. {B} {reacted}.",
        "In which {A} {acted}, and {B} {reacted}.", "Five times {A} {acted_short}, and the one time {B} did.",
        "{A} never meant to {goal}. Then {B} {arrived}.",
        "It starts with {a_thing} and {a_trouble}. It does not end there.",
        "{A} and {B} {share}. Neither of them {admits}.", "A story about {abstract}, {abstract}, and {A}'s {thing}.",
        "{A} is good at {skill}. {B} is good at {skill}. Together, they are a disaster.",
        "{B} comes home after {span_ago}. {A} has kept the {thing} all this time.",
        "Nobody at the {place} knows what {A} did during the {event}. {B} is about to find out.",
    ],
    "span": ["one week", "three days", "a single summer", "until the {event}", "one night", "a month"],
    "span_ago": ["ten years", "a long winter", "the {event}", "three years away", "a very long time"],
    "goal": [
        "find the missing {thing}", "fix the old {place}", "learn to bake bread", "win the autumn fair",
        "get through one more winter", "return a borrowed {thing}", "tell the truth", "finish the map",
        "keep the bakery open", "pass the final exam", "teach a stubborn apprentice", "leave town for good",
        "fall in love", "save the {place}", "write one honest letter",
    ],
    "acted": [
        "finds a letter that was never sent", "moves into the flat upstairs", "loses a bet", "keeps a promise",
        "misses the last train", "opens a bookshop", "comes home after ten years", "breaks the rules",
        "starts a garden", "adopts a very bad cat", "learns to cook", "takes the long way round",
    ],
    "acted_short": [
        "made tea", "fell asleep on the train", "kept the {thing}", "said sorry", "stayed late at the {place}",
        "lied about the {thing}", "took the blame", "asked for help",
    ],
    "reacted": [
        "pretends not to notice", "notices everything", "makes tea", "has questions", "is not impressed",
        "stays anyway", "keeps count", "writes it all down", "does not know what to do about it",
    ],
    "arrived": [
        "moves in next door", "turns up at the {place}", "asks for a favour", "comes back", "wins the {event}",
        "turns up with {a_thing}",
    ],
    "a_thing": ["a {thing}", "a lost {thing}", "a borrowed {thing}", "a stolen {thing}", "an old {thing}"],
    "a_trouble": ["a lie", "a storm", "a bad first impression", "a missed train", "a broken promise", "a dare"],
    "share": ["share a flat", "share a secret", "share a desk", "share a boat", "share an umbrella", "share a name"],
    "admits": ["will admit it", "is ready to talk about it", "has a plan", "minds as much as they should"],
    "skill": [
        "lying", "waiting", "maps", "knots", "cooking", "running away", "small talk", "fixing things",
        "sword fights", "crosswords", "remembering birthdays",
    ],
    "summary_tail": [
        "", "", "", "", " Mostly fluff.", " Canon divergence after the {event}.", " Written for a friend.",
        " Title from a song I can't stop humming.", " Happy ending, promise.", " Slow burn.",
    ],
    # --- story text ---
    "narration": [
        "{clause_cap}.", "{when}, {clause}.", "{A} {paused} in the doorway of the {place}, {detail}.",
        "{A} {gesture}.", "{B} {gesture}, and {A} {gesture}.", "It had been {span_ago} since {A} last {visited}.",
        "{A} thought about the {thing}, and about {B}, and about {abstract}.",
        "There was something {manner_adj} in the way {B} {gesture}.", "Nobody had told {A} that {truth}.",
        "The {place} smelled of {smell}.", "{A} did not say anything for a long moment.",
        "{A} had not expected {B} to {verb}.", "{A} wanted to {wish}, but {obstacle}.", "Perhaps {B} was right.",
        "It was nearly {hour} when {B} finally {came}.", "The {thing} was still on the table between them.",
        "{A} knew the {place} well: {detail_known}.", "Later, {A} would remember {memory}.",
        "{B} was already at the {place} when {A} arrived.", "Neither of them mentioned the {event}.",
        "{A} found the {thing} exactly where {B} had left it.", "The walk back took longer than it should have.",
        "{A} had meant to {wish} for days.", "By the time the {thing} was mended, it was dark.",
        "{B} was humming something under {breath}.",
        "It was the kind of {daypart} that made the {place} feel small.",
        "{A} lost track of time somewhere between the {place} and the {place}.",
        "Somebody had left a {thing} on the windowsill.",
    ],
    "breath": ["the noise of the rain", "the sound of the kettle", "a held breath"],
    "daypart": ["morning", "afternoon", "evening", "night", "winter", "week"],
    "clause_cap": ["{clause}"],
    "clause": [
        "the kettle began to whistle", "rain tapped against the window", "somewhere below, a door closed",
        "the lamps came on one by one along the street", "the wind rattled the shutters",
        "the clock in the hall struck {hour}", "a dog barked in the next street",
        "the fire had burned down to embers", "snow kept falling over the {place}",
        "the last train pulled out of the station", "gulls were arguing over the harbour",
        "the radio murmured to itself in the corner", "the smell of bread drifted up from the bakery",
        "the light went grey and then gold", "a bell rang twice across the water",
        "the stairs creaked under someone's weight", "the tide was going out", "a train went past without stopping",
        "the streetlights flickered and held", "it was colder than the forecast had promised",
        "the kitchen was warm and smelled of {smell}",
    ],
    "when": [
        "Outside", "Later", "For a while", "Somewhere in the distance", "By morning", "Just after midnight",
        "In the morning", "Meanwhile", "That evening", "Far off",
    ],
    "paused": ["stopped", "waited", "lingered", "stood", "hesitated"],
    "detail": [
        "one hand on the frame", "coat still buttoned", "listening to the rain", "a cup going cold in both hands",
        "as if the room might change its mind", "half in shadow", "the {thing} tucked under one arm",
    ],
    "gesture": [
        "set the {thing} down on the table", "turned the {thing} over in both hands", "pretended to read",
        "looked out at the {place}", "laughed, a little helplessly", "rubbed tired eyes", "pulled on a coat",
        "did not look up", "folded the letter into quarters", "counted to ten", "let out a long breath", "shrugged",
        "picked up the {thing} and put it back again", "smiled without meaning to", "poured two cups of tea",
        "opened the window", "sat down on the {place} steps", "tapped a pencil against the ledger",
    ],
    "visited": [
        "visited the {place}", "held the {thing}", "spoken to {B}", "slept through the night", "seen the sea",
        "been this tired", "laughed like that",
    ],
    "manner_adj": ["careful", "tired", "fond", "guarded", "brave", "stubborn", "unfamiliar", "kind"],
    "truth": [
        "grief could be so ordinary", "the {place} would be so quiet", "it would take this long",
        "{B} still kept the {thing}", "coming home could feel like leaving", "a promise could weigh so much",
    ],
    "smell": [
        "rain and old paper", "woodsmoke", "salt and diesel", "cinnamon", "cut grass", "wet stone", "ink", "oranges",
        "dust and lavender", "burnt toast", "pine resin",
    ],
    "verb": ["come back", "remember", "say yes", "wait", "stay", "laugh", "understand", "ask"],
    "wish": ["ask about the {thing}", "apologise", "leave", "say something kind", "laugh", "explain"],
    "obstacle": [
        "the words would not come", "{B} was already walking away", "it was far too late for that",
        "the {thing} was still on the table between them", "someone knocked at the door",
    ],
    "hour": ["six", "seven", "nine", "ten", "eleven", "midnight", "two", "four"],
    "came": ["came back", "knocked", "found the {thing}", "fell asleep", "said goodnight", "put the kettle on"],
    "detail_known": [
        "the loose board by the door, the draught, the chipped blue paint", "every shortcut, every stubborn lock",
        "where the light fell in the afternoon", "which step creaked and which did not",
    ],
    "memory": [
        "the rain more than anything", "how steady {B}'s hands had been", "the sound of the {thing}",
        "that nobody had said goodbye", "the exact colour of the sky",
    ],
    "dialogue": [
        '"{line}," {A} said.', '"{line}," said {B}.', '"{question}?" {B} asked.', '"{question}?"',
        '"{line}." {A} {gesture}.', '"{line}," {B} said, {manner}.', '"{line}."',
        '"{question}?" {A} asked, {manner}.',
    ],
    "line": [
        "You kept it", "I thought you'd gone", "We should go before the rain starts", "It's only a {thing}",
        "You could have written", "Then stay", "Not yet", "I'm fine, honestly", "That was a long time ago",
        "I know what I saw", "You don't have to do this alone", "I missed you", "It's getting late",
        "Tell me about the {thing}", "I brought you something", "We'll fix it in the morning",
        "I'm not going anywhere", "Don't look at me like that", "That's not what I meant",
        "The {place} hasn't changed", "Come inside, you're soaked", "Give me the {thing}",
    ],
    "question": [
        "Where did you find this", "Do you remember the {place}", "Is that my {thing}", "Why did you come back",
        "Are you hungry", "What happens now", "How long have you known", "Did you sleep at all",
        "Can you stay a little longer", "Who told you", "Is it still raining",
    ],
    "manner": [
        "very quietly", "without looking up", "after a moment", "as if it were nothing", "a little too quickly",
        "with a tired smile", "not unkindly",
    ],
    "scene_break": ["* * *", "* * *", "~", "xXx"],
    # --- notes, comments, bookmarks ---
    "note": [
        "Thank you for reading!", "This took far longer than planned.", "Comments make my day.",
        "Thanks to my beta reader for the patience.", "More soon, I hope.", "Written for a prompt about {abstract}.",
        "I have no excuse for this one.", "The {thing} is real; I own one.", "Set after the {event}.",
    ],
    "comment": [
        "{comment_plain}", "{comment_plain}", "I love how you wrote {A} here.", "Oh, {A} and {B}. My heart.",
        "{B} deserves everything. Thank you for this.", "The dialogue is so good. {A} sounds exactly right.",
        "I was so worried about {A} in this chapter.",
    ],
    "comment_plain": [
        "The part with the {thing}! I can't stop thinking about it.",
        "The way you describe the {place} is beautiful.", "I've read this three times now and it still gets me.",
        "This made me cry on the bus, thank you.", "Such a quiet, lovely chapter.", "That last line!",
        "I didn't expect the {event} to hurt this much.", "Bookmarking this to reread on a bad day.",
        "Kudos isn't enough, so here is a comment.",
    ],
    "comment_wip": ["Can't wait for the next chapter!", "Please tell me there's more coming.", "Updates! Yay!"],
    "reply_creator": [
        "Thank you so much! That scene was my favourite to write.", "Thank you for reading!",
        "Ahh, thank you, this made my day.", "I'm so glad it worked for you.", "Thank you! More soon.",
    ],
    "reply_reader": ["Same here!", "Agreed, the {thing} scene got me too.", "Yes! Exactly this.", "Seconded."],
    "bookmark_note": [
        "Recommended by a friend. Worth it.", "Comfort read.", "The {place} scene!", "Reread every winter.",
        "Lovely prose, slow and quiet.", "Waiting for updates.", "{A} is perfect in this.", "For a rainy day.",
        "Made me want to visit the {place}.",
    ],
    # --- fandoms, series, people ---
    "fandom": [
        "The {adjective} {place}", "{place} of {abstract}", "{adjective} {things}", "The {things} of {abstract}",
        "{gerund} the {thing}", "{things} and {things}",
    ],
    "series_description": [
        "{A} and {B}, in reading order.", "Short pieces set in the same {place}.", "Everything after the {event}.",
        "Stories about {abstract}, more or less.", "One summer at the {place}, in several parts.",
    ],
}
# fmt: on
FANDOM_MEDIA = [
    " (TV)",
    " (TV)",
    " (Anime)",
    " (Video Game)",
    " (Comics)",
    " - All Media Types",
    " (Movies)",
    " (Webcomic)",
    " (Podcast)",
    " (Novels)",
]  # fmt: skip
BOOKMARK_TAGS = [
    "comfort read", "favourites", "reread", "to recommend", "slow burn", "made me cry", "happy ending",
    "wip", "for a rainy day", "beautiful prose", "long", "short and sweet",
]  # fmt: skip
HANDLE_FIRST = [
    "quiet", "amber", "paper", "velvet", "rusty", "moss", "salt", "ink", "cloudy", "lunar", "tidal", "maple",
    "hazel", "copper", "willow", "sleepy", "wandering", "little", "midnight", "autumn", "northern", "tea",
    "lantern", "stray", "marigold", "bramble", "saffron", "juniper",
]  # fmt: skip
HANDLE_SECOND = [
    "lantern", "heron", "fox", "finch", "kettle", "moth", "otter", "quill", "teapot", "comet", "fern", "raven",
    "harbour", "meadow", "pebble", "wren", "sparrow", "thimble", "acorn", "reader", "scribbles", "writes",
    "tides", "letters", "garden", "stories", "owl", "hare",
]  # fmt: skip
# Words a title keeps lower-case unless they come first (English title case).
SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"]
)
_SLOT_RE = re.compile(r"\{(\w+)\}")
_ARTICLE_RE = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")


def title_case(text: str) -> str:
    """English title case: every word capitalised but the small ones (articles,
    short prepositions and conjunctions) after the first; hyphenated words in each
    part ("Salt-Stained"). Letters already capital stay so."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        if i and word in SMALL_WORDS:
            out.append(word)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(out)


def _capitalise(text: str) -> str:
    """The first letter upper-case, the rest as it is (str.capitalize would lower
    the names)."""
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :]
    return text


def fix_articles(text: str) -> str:
    """ "a" before a vowel becomes "an" (the lists hold no word like "hour" or
    "university" where the letter misleads)."""
    return _ARTICLE_RE.sub(r"\1n ", text)


class Prose:
    """Seeded generator of readable English. `rng` drives every choice, so a
    generator made from `random.Random(seed)` repeats itself exactly. Names for
    the {A}/{B}/{C} slots are passed to each call (fewer than three are repeated)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._random = rng.random
        # Each alternative split once: even items literal text, odd items slot names.
        self._rules = {
            symbol: [_SLOT_RE.split(alternative) for alternative in alternatives]
            for symbol, alternatives in GRAMMAR.items()
        }
        self._handles: set[str] = set()

    def expand(self, symbol: str, names: Sequence[str] = ("Sam", "Alex", "Robin")) -> str:
        """One expansion of `symbol` (a key of GRAMMAR), with names for {A}, {B}, {C}.
        Raises KeyError for an unknown symbol."""
        alternatives = self._rules[symbol]
        text = self._fill(alternatives[int(self._random() * len(alternatives))], names)
        return _capitalise(text) if symbol == "clause_cap" else text

    def _fill(self, parts: list[str], names: Sequence[str]) -> str:
        """One alternative (split by _SLOT_RE) with its slots filled."""
        if len(parts) == 1:
            return parts[0]
        out = []
        for i, part in enumerate(parts):
            if not i % 2:
                out.append(part)
            elif part in NAME_SLOTS:
                index = "ABC".index(part)
                out.append(names[index % len(names)])
            else:
                out.append(self.expand(part, names))
        return "".join(out)

    def title(self, names: Sequence[str] = ()) -> str:
        """A work or series title in title case, such as "The Weight of Small Hours"."""
        return title_case(fix_articles(self.expand("title", names or ("Sam",))))

    def chapter_title(self, names: Sequence[str]) -> str:
        """A chapter title in title case: a title, a name or two, or "In Which …"."""
        return title_case(fix_articles(self.expand("chapter_title", names)))

    def summary(self, names: Sequence[str]) -> str:
        """One or two sentences about the people named, in the present tense."""
        text = self.expand("summary", names) + self.expand("summary_tail", names)
        return _capitalise(fix_articles(text))

    def sentence(self, names: Sequence[str]) -> str:
        """One sentence of narration or dialogue."""
        symbol = "dialogue" if self._random() < 0.3 else "narration"
        return _capitalise(self.expand(symbol, names))

    def paragraph(self, names: Sequence[str]) -> str:
        """A paragraph: one line of dialogue (maybe with a sentence of narration after
        it), or two to five different sentences of narration. Who is {A} and who
        is {B} changes from paragraph to paragraph."""
        if len(names) > 1 and self._random() < 0.5:
            names = [names[1], names[0], *names[2:]]
        if self._random() < 0.35:
            sentences = [_capitalise(self.expand("dialogue", names))]
            if self._random() < 0.3:
                sentences.append(_capitalise(self.expand("narration", names)))
        else:
            narration = self._rules["narration"]
            picks = self.rng.sample(range(len(narration)), 2 + int(self._random() * 4))
            sentences = [_capitalise(self._fill(narration[i], names)) for i in picks]
        return fix_articles(" ".join(sentences))

    def text(self, words: int, names: Sequence[str]) -> str:
        """Paragraphs separated by blank lines, at least `words` words, with now and
        then a scene-break line (as authors type them: "* * *")."""
        paragraphs, count = [], 0
        while count < words:
            paragraph = self.paragraph(names)
            paragraphs.append(paragraph)
            count += paragraph.count(" ") + 1
            if self._random() < 0.03 and count < words:
                paragraphs.append(self.expand("scene_break"))
        return "\n\n".join(paragraphs)

    def phrase(self, symbol: str, names: Sequence[str] = ("Sam", "Alex")) -> str:
        """A whole sentence or label from GRAMMAR ("note", "comment", "bookmark_note",
        "series_description", …), capitalised and with its articles right."""
        return _capitalise(fix_articles(self.expand(symbol, names)))

    def fandom_name(self) -> str:
        """A made-up fandom with its medium, such as "The Silver Harbour (TV)"."""
        return title_case(fix_articles(self.expand("fandom"))) + FANDOM_MEDIA[int(self._random() * len(FANDOM_MEDIA))]

    def handle(self) -> str:
        """A username never returned before by this generator, such as
        "quiet_heron" or "mossfinch27": letters, digits and "_" or "-", so it is a
        valid Django username."""
        while True:
            first = HANDLE_FIRST[int(self._random() * len(HANDLE_FIRST))]
            second = HANDLE_SECOND[int(self._random() * len(HANDLE_SECOND))]
            if first == second:
                continue
            joiner = ("", "_", "-", "")[int(self._random() * 4)]
            name = f"{first}{joiner}{second}"
            if self._random() < 0.3 or name in self._handles:
                name += str(int(self._random() * 90) + 10)
            if name not in self._handles:
                self._handles.add(name)
                return name

    def bookmark_tags(self) -> list[str]:
        """Zero to three of a reader's own bookmark tags."""
        count = int(self._random() * 4)
        return list(dict.fromkeys(BOOKMARK_TAGS[int(self._random() * len(BOOKMARK_TAGS))] for _ in range(count)))
