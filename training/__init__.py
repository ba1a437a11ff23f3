"""Building and judging the classifier's models: training the offline heads (labels, tone,
multilingual), fine-tuning, calibrating, evaluating, and exporting moderators' labels. Run by
`make train-*`, `make eval-*`, `make calibrate-model` and `make export-labels`; nothing here
runs inside a service (the classifier loads what these write: `services/classifier/offline/`)."""
