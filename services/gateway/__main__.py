from services.gateway.config import Settings
from services.gateway.main import create_app
from services.shared.serve import run

run("gateway", create_app, Settings())
