"""The model card's hand-written sections: known weaknesses and the model-selection record
(cross-validated figures on the training split, kept as they were measured)."""

WEAKNESSES = """\
- The project corpus is written by this project (realistic but synthetic); real traffic uses
  slang, images and obfuscations it does not cover, so recall in production will be lower than
  the held-out figures. Lexicons and detectors are the first line; the classifier backs them up.
- `hate` is learned from COLD and SWSR (race, region, gender); other grounds (religion,
  disability) are barely covered. `abuse` has no dedicated data: its labels are COLD offensive
  comments containing a direct insult word, so it mostly recognises insult vocabulary; since
  corpus parts 7-9 added threat-plus-insult lines labelled `abuse`, no score reaches the stated
  review precision out-of-fold and the shipped model never flags `abuse` on its own (review
  threshold 1.0): insults are left to the `abuse` lexicon.
- Bag-of-n-grams model: it does not understand negation, quotation or reporting ("警方提醒：
  不要相信刷单返利" shares n-grams with the fraud it warns about); hard negatives in the corpus
  reduce but do not remove this. News about crimes can reach `review`.
- Thresholds are chosen on out-of-fold scores of a few hundred positives per corpus category,
  so the stated precision of each threshold is an estimate with error bars of several points.
- The corpus held-out split contains only hand-written lines; obfuscated variants of them are
  training-only, so obfuscation robustness is measured only indirectly.
- Long texts are scored as a whole; a short harmful sentence inside a long clean text is diluted.
- On the corpus held-out split the errors are missed keyword-free positives (`spam` recall
  0.78), confusions between neighbouring categories (`illicit_ads` with `spam`, `fraud` and
  `pornography`: whether a harmful post with a private contact is also `illicit_ads` is a
  judgement call the co-label audit made uniform only for lines with a surface cue;
  `illicit_ads` has the lowest precision, about 0.81; `malware` with `fraud`; `violence` with
  `terrorism` and `abuse`, whose precision is about 0.82) more than false alarms on clean text.
- Review thresholds sit between about 0.31 and 0.50 (the stated precision, not a score of 0.5,
  decides them), so a score of 0.4 can already hold a post. Short texts rest on little evidence:
  while building corpus part 8, a greeting followed by a number ("你好，今天天气不错 5") scored
  as `gambling`, which `negatives_numbers.jsonl` was written to cover; similar gaps will exist.
  After corpus parts 14-19 (many very short scam openers, threats and flood spam) "你好" scored
  as `fraud` and "你好，今天天气不错" as `spam`; part 20 (921 very short clean messages) fixed
  the second, and texts with fewer than three letters, digits or CJK characters now get no
  classifier score at all (`MIN_CONTENT_CHARS`; lexicon terms and detectors still apply).
"""

MODEL_SELECTION = """\
Hyper-parameters were chosen by 5-fold cross-validation on the training split only (folds by
text hash, each variant in its source line's fold), scoring macro-F1 of the ten corpus
categories on the out-of-fold predictions for the hand-written training lines; the held-out
split was not used. Cross-validated macro-F1 at review precision 0.85 and 0.80, and at the best
threshold per category (an upper bound for the threshold rule), first on the corpus without
`more_*.jsonl`:

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| previous model (corpus weight 5) | 0.622 | 0.668 | 0.726 |
| character 1-4-grams (400k terms) | 0.617 | 0.655 | 0.715 |
| C 5 / C 60 (instead of 20) | 0.618 / 0.622 | | |
| class_weight balanced | 0.619 | | |
| engine lexicon hits + detector kinds as extra features | 0.625-0.634 | | |
| stacking the categories' scores (+ lexicon hits) | 0.618 | 0.671 | 0.730 |
| corpus weight 40 | 0.634 | 0.663 | 0.739 |
| corpus weight 40 + 0.2 × naive Bayes | 0.655 | 0.698 | 0.750 |

and with `more_*.jsonl` (the shipped data):

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| previous model (corpus weight 5) | 0.696 | 0.713 | 0.754 |
| corpus weight 40 | 0.706 | 0.724 | 0.766 |
| corpus weight 40 + 0.2 × naive Bayes (shipped) | 0.723 | 0.746 | 0.780 |

The review precision stays 0.85: 0.80 would add about 0.02 cross-validated macro-F1 but flag
8.0% instead of 5.5% of the clean hand-written corpus lines out-of-fold. Lexicon features were
not adopted: the gain was within noise and would tie the model to one lexicon version. For
`hate` and `abuse` (learned from public data) corpus lines keep weight 5: with 40 the
cross-validated COLD accuracy fell from 0.895 to 0.884. Cross-validated figures are not directly
comparable with the held-out ones (other lines; out-of-fold models see a fifth less data).

With corpus parts 5 and 6 (`part5_*`, `part6_*`, written by thirteen more authors), measured
with `python bench/model_selection.py [--variant field=value,...]` (same protocol; the review
floor is the lowest score a review threshold may take):

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| previous configuration, corpus parts 1-4 only | 0.752 | 0.760 | 0.793 |
| previous configuration, parts 1-5 | 0.762 | 0.768 | 0.800 |
| previous configuration, parts 1-6 | 0.773 | 0.776 | 0.801 |
| review floor 0.05 instead of 0.5 | 0.777 | 0.790 | 0.801 |
| + spaced-out characters read without separators (炸 . 掉 → 炸掉) | 0.783 | 0.795 | 0.805 |
| + every term in ≥ 2 training texts (~0.5 M instead of 300k): shipped | 0.788 | 0.798 | 0.809 |
| shipped configuration, parts 1-7 | 0.799 | 0.812 | 0.819 |
| shipped configuration, parts 1-8 | 0.811 | 0.818 | 0.827 |
| shipped configuration, parts 1-9 (shipped data) | 0.819 | 0.825 | 0.833 |
| rejected (parts 1-9): corpus weight 80 | 0.819 | 0.826 | 0.834 |
| rejected (parts 1-7): character n-grams never spanning whitespace | 0.794 | 0.808 | 0.817 |
| rejected: separators dropped from every text | 0.773 | 0.789 | 0.801 |
| rejected: pinyin syllable bigrams (菠菜 = bo cai = 博彩) as extra terms | 0.781 | 0.795 | 0.806 |
| rejected: re-segmenting spaced-out text | 0.784 | 0.794 | 0.805 |
| rejected: without the machine-made variants | 0.781 | 0.792 | 0.802 |
| rejected: C 50 | 0.785 | 0.795 | 0.805 |
| rejected: other categories' positives weigh 10, not 40, as negatives | 0.789 | 0.798 | 0.808 |
| rejected: NBSVM (terms scaled by naive Bayes log-odds), previous config | 0.710 | 0.727 | 0.775 |
| rejected: P(harmful) × P(category given harmful), not one model each | ±0.001 | | |

Rows from "review floor" on include the changes above them. The review precision stays 0.85
(0.80 would add about 0.01 and send 1.8% of THUCNews training titles to review out-of-fold).

With corpus parts 10-13 and the co-label audit (data/corpus/README_part10.md, README_audit.md):

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| previous configuration, parts 1-11 | 0.820 | 0.826 | 0.831 |
| previous configuration, parts 1-12 | 0.817 | 0.822 | 0.829 |
| + co-label audit of every part (both splits) | 0.820 | | 0.831 |
| + naive Bayes alpha 0.05, weight 0.3 (shipped) | 0.822 | 0.827 | 0.832 |
| shipped configuration, parts 1-13 (shipped data) | 0.821 | 0.827 | 0.831 |
| rejected (parts 1-12): word terms' block weight 1.5 | 0.813 | 0.821 | 0.828 |
| rejected (parts 1-12): word terms' block weight 0.7 | 0.817 | 0.823 | 0.829 |
| rejected (audited 1-12): naive Bayes alpha 0.05, weight 0.2 | 0.821 | 0.826 | 0.831 |
| rejected (audited 1-12): naive Bayes alpha 0.05, weight 0.4 | 0.817 | 0.826 | 0.830 |
| rejected (audited 1-12): naive Bayes alpha 0.03, weight 0.3 | 0.821 | 0.827 | 0.831 |
| rejected: COLD/SWSR offensive rows not negatives of violence, terrorism | 0.819 | 0.826 | 0.832 |
| rejected (parts 1-13): character 1-4-grams, 800k terms | 0.814 | 0.822 | 0.827 |

The naive Bayes change also won on the parts 1-9 and 1-12 snapshots (+0.002, +0.0015). The
co-label audit applied one written rule for `illicit_ads` and `spam` to candidate lines picked by
surface cues in every part and both splits, without model scores; an earlier audit of training
lines picked by model score had been left unapplied for that reason. Each corpus round also adds
20% of its lines to the held-out split, so held-out figures of different rounds are not
comparable: on the final held-out split the model shipped before parts 10-13 scores 0.807
macro-F1, the one trained after the audit on parts 1-12 0.834, and the one after parts 1-13
0.840.

Since then the corpus held-out split is frozen (the 5,525 hand-written held-out lines of parts
1-13): parts 14-22 (data/corpus/README_part14.md and README_part21.md, 42 more authors) are
`train_*.jsonl` files, training-only. The linear model was chosen on parts 1-13, then checked
on parts 1-17 (where the cross-validated lines include the training-only ones, so those rows
are not comparable with the ones above them):

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| logistic regression C 20 + 0.3 × naive Bayes, parts 1-13 | 0.821 | 0.827 | 0.831 |
| rejected: logistic regression C 30 | 0.821 | 0.827 | 0.831 |
| linear SVM C 1 + 0.05 × naive Bayes (shipped) | 0.825 | 0.826 | 0.831 |
| linear SVM C 0.3 / C 3 | 0.824 / 0.824 | 0.826 / 0.826 | 0.831 / 0.831 |
| linear SVM, naive Bayes weight 0 / 0.03 / 0.07 / 0.1 | 0.809 / 0.824 / 0.820 / 0.814 | | |
| linear SVM, corpus weight 20 / 80 | 0.825 / 0.822 | 0.826 / 0.826 | 0.831 / 0.830 |
| logistic regression as before, parts 1-17 | 0.821 | 0.827 | 0.829 |
| linear SVM as shipped, parts 1-17 | 0.821 | 0.826 | 0.829 |

The linear SVM ties or wins at the stated precision and flags fewer THUCNews training titles
out-of-fold (1.20% against 1.37% on parts 1-13, 1.61% against 1.84% on parts 1-17): with the
logistic regression the THUCNews review rate was moving towards its 2% limit as the corpus
grew. For the record, on the frozen held-out split (read only after the choice): the logistic
regression trained on parts 1-17 scored 0.849 macro-F1 with 1.83% of THUCNews titles to review,
the linear SVM on the same data 0.847 with 1.45%, and the shipped linear SVM on parts 1-20 0.847
with 1.63%; the model shipped before (logistic regression, parts 1-13) 0.840 with 1.14%.

Then, on parts 1-20, with the second co-label pass (README_audit.md: the audit's rules applied
to the training-only parts 14-19, 100 additions):

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| linear SVM as shipped before, parts 1-20 | 0.8255 | 0.828 | 0.831 |
| rejected (before the pass): + 0.1 × logistic regression C 20 | 0.825 | 0.828 | 0.831 |
| rejected (before the pass): + 0.3 × logistic regression C 20 | 0.823 | 0.825 | 0.829 |
| + second co-label pass | 0.8254 | 0.828 | 0.831 |
| + 800k terms instead of 600k (shipped) | 0.827 | 0.829 | 0.832 |

With 600k the vocabulary no longer held every term seen in two training texts; 800k also sent
fewer THUCNews training titles to review out-of-fold (1.63% against 1.71%). Parts 21-22
(README_part21.md: 2,800 positives and 1,200 hard negatives for the six categories with the
lowest cross-validated F1) were added after these choices:

| change | at 0.85 | at 0.80 | best threshold |
|---|---|---|---|
| shipped configuration, parts 1-22 (shipped data) | 0.8305 | 0.831 | 0.835 |

For the record, on the frozen held-out split (read after training): this model scores 0.8505
macro-F1 with 1.61% of THUCNews titles to review; the model shipped before it 0.847 with 1.63%.
The margin over the 0.85 target is well inside the noise of 5,525 held-out lines.
"""
