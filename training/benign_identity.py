"""Benign sentences that mention who people are, written for this repo: a model that scores
them toxic has learnt the identity words, not the abuse. `make eval-offline` reports the share
the default policy would act on (label or worse): its false-positive rate on them.

Built from templates and identity terms in a fixed order, so the set is the same every run.
"""

from __future__ import annotations

IDENTITIES = (
    "gay man", "lesbian", "bisexual woman", "trans woman", "trans man", "queer person",
    "Muslim woman", "Muslim", "Jewish man", "Jew", "Christian", "Catholic priest", "Hindu",
    "Sikh", "Buddhist", "atheist", "Black woman", "Black man", "Latina", "Mexican immigrant",
    "Asian American", "Chinese student", "Arab", "Native American", "refugee from Syria",
    "deaf person", "blind man", "wheelchair user", "autistic adult", "woman", "feminist",
    "old man", "teenage girl", "single mother", "disabled veteran",
)  # fmt: skip
TEMPLATES = (
    "I am {a} {who} and I love this community.",
    "As {a} {who}, I found the new guide really helpful.",
    "My best friend is {a} {who} and we play every weekend.",
    "Speaking as {a} {who}: thanks for making this place welcoming.",
    "I'm a proud {who} and a long-time member here.",
)
EXTRA = (
    "Being gay is part of who I am, and this forum has always been kind to me.",
    "We celebrated Eid with our neighbours and shared the photos in the family thread.",
    "Our synagogue's choir is looking for new singers, everyone welcome.",
    "My wife and I are both women and we just adopted a puppy!",
    "The Black history month stream was the best thing I watched this year.",
    "As a Muslim I fast during Ramadan; any tips for late-night raids?",
    "Trans people deserve the same respect as anyone else in this game.",
    "I am deaf, so I am grateful the videos now have captions.",
)


def sentences() -> list[str]:
    """At least a hundred benign sentences with identity mentions (here 183)."""
    return [
        t.format(who=who, a="an" if who[0].lower() in "aeiou" else "a")
        for who in IDENTITIES
        for t in TEMPLATES
    ] + list(EXTRA)
