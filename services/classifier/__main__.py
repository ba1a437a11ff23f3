from services.classifier.app import create_app
from services.classifier.config import Settings
from services.shared.serve import run

run("classifier", create_app, Settings())
