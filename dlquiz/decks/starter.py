"""The commented starter deck written by ``dlquiz decks new NAME``.

It holds one card of each type, each valid as written (a test loads it), so
a learner can copy a card and edit it. The first line is the
yaml-language-server modeline pointing at the published JSON Schema, so
editors with the YAML extension validate and complete the file as it is typed.
"""

from __future__ import annotations

STARTER_TEMPLATE = """\
# yaml-language-server: $schema={schema}
#
# A dlquiz deck (format v1). Check it with:  dlquiz decks validate {filename}
# Card ids are the key of your review history: never rename an id once you have
# studied the card (edit the text freely; the schedule follows the id).
# Topics come from dlquiz's topic list (dlquiz/topics.yaml), or a finer id under
# one of them, e.g. detection.nms.soft.

id: {deck_id}                     # lowercase slug, unique across all your decks
title: {title}
description: My own cards.
tags: [custom]

cards:
  # basic: question and answer (Markdown), you grade yourself.
  - id: focal-loss-gamma
    type: basic
    topics: [detection.focal-loss]
    front: What does the focusing parameter gamma in focal loss do?
    back: It down-weights easy examples by (1 - p_t)^gamma.
    explanation: |                  # optional: the *why* behind the answer
      With gamma = 2 an example classified with p_t = 0.9 gets 100x less loss
      than with cross-entropy, so the many easy negatives stop dominating.
    refs: ["Lin et al., Focal Loss for Dense Object Detection, ICCV 2017"]

  # choice: answer is the 0-based index of the right choice,
  # or a list such as [0, 2] for "select all that apply".
  - id: depthwise-separable
    type: choice
    topics: [arch.conv-variants]
    front: A depthwise-separable convolution is a depthwise convolution followed by ...
    choices:
      - a 1x1 (pointwise) convolution
      - a max-pooling layer
      - a fully connected layer
    answer: 0
    explanation: The 1x1 convolution mixes channels, which the depthwise step never does.

  # cloze: one review per {{{{cN::...}}}} number; {{{{c1::text::hint}}}} shows a hint.
  - id: iou-definition
    type: cloze
    topics: [detection.nms]
    text: "IoU = {{{{c1::area of intersection}}}} / {{{{c2::area of union}}}}"

  # numeric: fresh numbers at every review, checked against dlquiz's own code.
  # `dlquiz decks schema` and the README list the generators and their params.
  - id: conv-output-size
    type: numeric
    topics: [arch.conv]
    front: Work out the output size.
    generator: conv_output_size
    params: {{dilation: true}}

  # code: a graded coding exercise (see `dlquiz exercises` for the ids).
  - id: iou-code
    type: code
    topics: [detection.nms]
    exercise: iou
"""


def starter_deck(deck_id: str, schema: str, filename: str) -> str:
    """The starter deck text for ``deck_id``, whose modeline points at ``schema``."""
    title = deck_id.replace("-", " ").replace("_", " ").capitalize()
    return STARTER_TEMPLATE.format(schema=schema, deck_id=deck_id, title=title,
                                   filename=filename)
