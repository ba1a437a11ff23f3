from services.pulse.app import create_app
from services.pulse.config import Settings
from services.shared.serve import run

run("pulse", create_app, Settings())
