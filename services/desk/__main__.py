from services.desk.config import Settings
from services.desk.main import create_app
from services.shared.serve import run

run("desk", create_app, Settings())
