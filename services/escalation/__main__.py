from services.escalation.app import create_app
from services.escalation.config import Settings
from services.shared.serve import run

run("escalation", create_app, Settings())
