from services.outreach.config import Settings
from services.outreach.main import create_app
from services.shared.serve import run

run("outreach", create_app, Settings())
