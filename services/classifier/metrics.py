from prometheus_client import Counter, Gauge, Histogram, Info

TEXTS_SCORED = Counter("classifier_texts_scored_total", "Texts scored", ["source"])
for _source in ("kafka", "http"):  # exported at 0 from the start
    TEXTS_SCORED.labels(_source)
BATCH_SIZE = Histogram(
    "classifier_batch_size", "Texts per inference batch", buckets=(1, 2, 4, 8, 16, 32, 64, 128)
)
INFERENCE_SECONDS = Histogram(
    "classifier_inference_seconds",
    "Wall time of one inference batch",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUEUE_DEPTH = Gauge("classifier_queue_depth", "Texts waiting for the micro-batcher")
ERRORS = Counter("classifier_errors_total", "Errors by kind", ["kind"])
MODEL = Info("classifier_model", "The model in use")
UNSCORED = Counter(
    "classifier_posts_unscored_total",
    "Posts given no scores, by reason and language (no loaded model reads it)",
    ["reason", "language"],
)
PASSED_ON = Counter(
    "classifier_scores_passed_on_total",
    "Posts submitted with their scores (the Perspective endpoint scored them): not read again",
)
