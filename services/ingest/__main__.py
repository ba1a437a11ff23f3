from services.ingest.config import Settings
from services.ingest.main import create_app
from services.shared.serve import run

run("ingest", create_app, Settings())
