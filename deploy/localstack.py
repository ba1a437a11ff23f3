"""Run the platform on one machine without Docker.

A real single-node Kafka (KRaft) from Kafka's jars on Maven Central, a real Redis from Debian's
`redis-server`, and the six services as processes. `make up` / `make down` call the CLI at the
bottom; the test suite uses the same classes to start its own broker and Redis on free ports.
Only the standard library is used so this runs before anything else is installed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KAFKA_POM = ROOT / "deploy" / "kafka" / "pom.xml"
KAFKA_VERSION = "4.1.1"
CACHE_DIR = Path(os.environ.get("MODERATION_CACHE", Path.home() / ".cache" / "moderation"))
SERVICES = ("ingest", "classifier", "escalation", "gateway", "desk", "pulse", "outreach")


class StackError(RuntimeError):
    """A problem the person running the stack has to fix; the message says how."""


# ---------------------------------------------------------------- ports and tools


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_ports_free(ports: dict[str, int]) -> None:
    busy = [f"{name} port {port}" for name, port in ports.items() if port_in_use(port)]
    if busy:
        raise StackError(
            "already in use on 127.0.0.1: "
            + ", ".join(busy)
            + ". Stop whatever holds them (`make down` if it is an earlier stack) "
            "or choose other ports with the *_PORT environment variables."
        )


def require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if not path:
        raise StackError(f"`{name}` was not found on PATH. {hint}")
    return path


# ---------------------------------------------------------------- installs


def kafka_jars() -> Path:
    """Resolve the broker's runtime closure from Maven Central once, then reuse the cached folder."""
    target = CACHE_DIR / f"kafka-{KAFKA_VERSION}"
    wanted = hashlib.sha256(KAFKA_POM.read_bytes()).hexdigest()
    done = target / ".complete"
    if done.exists() and done.read_text() == wanted:  # resolved from this very pom
        return target
    require_tool("java", "Kafka needs Java 17 or newer: `apt-get install openjdk-17-jre-headless`.")
    mvn = require_tool("mvn", "Kafka's jars come from Maven Central: `apt-get install maven`.")
    staging = Path(
        tempfile.mkdtemp(
            prefix="kafka-jars-", dir=CACHE_DIR.parent if CACHE_DIR.parent.exists() else None
        )
    )
    print(f"resolving Kafka {KAFKA_VERSION} jars from Maven Central into {target} ...", flush=True)
    subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-f",
            str(KAFKA_POM),
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ],
        check=True,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    shutil.move(str(staging), target)
    done.write_text(wanted)
    return target


def redis_server_binary() -> str:
    path = shutil.which("redis-server")
    if path:
        return path
    if os.geteuid() != 0:
        raise StackError(
            "`redis-server` is missing; install it with `sudo apt-get install redis-server`."
        )
    print("installing redis-server from Debian packages ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "redis-server"], check=True, env=env)
    return require_tool("redis-server", "apt-get did not install it.")


def install() -> None:
    """Everything the stack needs besides the Python packages: Kafka's jars and redis-server."""
    require_tool("java", "Kafka needs Java 17 or newer: `apt-get install openjdk-17-jre-headless`.")
    print(f"kafka jars: {kafka_jars()}")
    print(f"redis-server: {redis_server_binary()}")


# ---------------------------------------------------------------- processes


def _wait(check, process: subprocess.Popen, what: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise StackError(
                f"{what} exited with code {process.returncode}; last log lines:\n{tail}"
            )
        if check():
            return
        time.sleep(0.25)
    raise StackError(f"{what} was not ready after {timeout:.0f}s; see {log}")


def _stop_pid(pid: int, timeout: float = 20.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@dataclass
class Managed:
    """A child process with a log file; stop() is SIGTERM, then SIGKILL after a timeout."""

    name: str
    log: Path
    process: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, timeout: float = 20.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


LOG4J2 = """status = warn
appender.file.type = Console
appender.file.name = OUT
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = OUT
logger.kafka.name = kafka
logger.kafka.level = warn
logger.server.name = org.apache.kafka
logger.server.level = warn
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = info
"""


def new_cluster_id() -> str:
    """Kafka's format: url-safe base64 of 16 random bytes. One starting with '-' would be read
    as an option by StorageTool's argument parser, so draw again."""
    while True:
        cluster_id = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


@dataclass
class Kafka(Managed):
    """A KRaft node, broker and controller at once, on loopback: alone by default, or one of a
    cluster (kafka_cluster) when `voters` names every node's controller and `replicas` says how
    many copies Kafka keeps of its own topics (consumer offsets, transactions)."""

    port: int = 9092
    controller_port: int = 9093
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kafka-")))
    heap: str = "768m"
    node_id: int = 1
    voters: str = ""  # "1@127.0.0.1:9093,2@...": the controller quorum; empty: this node alone
    cluster_id: str = ""  # every node of a cluster formats its storage with the same id
    replicas: int = 1

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _properties(self) -> str:
        props = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "controller.quorum.voters": self.voters
            or f"{self.node_id}@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir / "logs"),
            "auto.create.topics.enable": "false",
            "num.partitions": "3",
            "offsets.topic.replication.factor": str(self.replicas),
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": str(self.replicas),
            "transaction.state.log.min.isr": str(min(2, self.replicas)),
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": str(self.replicas),
            "share.coordinator.state.topic.min.isr": str(min(2, self.replicas)),
            "share.coordinator.state.topic.num.partitions": "1",
            "group.initial.rebalance.delay.ms": "0",
            "num.network.threads": "2",
            "num.io.threads": "2",
            "background.threads": "2",
            "log.cleaner.threads": "1",
            "num.recovery.threads.per.data.dir": "1",
        }
        if self.voters:
            # Until the controller fences a dead broker (no heartbeat for this long) it stays in
            # every partition's in-sync replicas, and acks=all writes wait for it: Kafka's 9 s
            # default is the whole cluster's write stall when a broker dies. 3 s on loopback.
            props |= {"broker.session.timeout.ms": "3000", "broker.heartbeat.interval.ms": "500"}
        return "".join(f"{k}={v}\n" for k, v in props.items())

    def start(self, timeout: float = 120.0) -> Kafka:
        self.launch()
        return self.started(timeout)

    def launch(self) -> Kafka:
        """Format the storage (once) and start the process; a cluster launches every node
        before waiting, since none finishes starting until the quorum has formed."""
        require_tool(
            "java", "Kafka needs Java 17 or newer: `apt-get install openjdk-17-jre-headless`."
        )
        jars = kafka_jars()
        require_ports_free({"kafka": self.port, "kafka controller": self.controller_port})
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "server.properties"
        config.write_text(self._properties())
        log4j = self.data_dir / "log4j2.properties"
        log4j.write_text(LOG4J2)
        classpath = f"{jars}/*"
        if not (self.data_dir / "logs" / "meta.properties").exists():
            cluster_id = self.cluster_id or new_cluster_id()
            subprocess.run(
                [
                    "java",
                    "-cp",
                    classpath,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(config),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    "java",
                    "-Xms256m",
                    f"-Xmx{self.heap}",
                    "-XX:+UseG1GC",
                    "-Djava.awt.headless=true",
                    f"-Dlog4j2.configurationFile={log4j}",
                    "-cp",
                    classpath,
                    "kafka.Kafka",
                    str(config),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def started(self, timeout: float = 120.0) -> Kafka:
        _wait(
            lambda: "Kafka Server started" in self.log.read_text(errors="replace"),
            self.process,
            "Kafka",
            self.log,
            timeout,
        )
        return self


def kafka_cluster(root: Path, nodes: int = 3, heap: str = "512m") -> list[Kafka]:
    """`nodes` KRaft nodes on free loopback ports, each broker and controller, one quorum and
    one cluster id, keeping `min(3, nodes)` copies of Kafka's own topics; not started."""
    ports = [(free_port(), free_port()) for _ in range(nodes)]
    voters = ",".join(f"{n}@127.0.0.1:{c}" for n, (_, c) in enumerate(ports, start=1))
    cluster_id = new_cluster_id()
    cluster = []
    for n, (port, controller) in enumerate(ports, start=1):
        node = Kafka(
            f"kafka-{n}", root / f"kafka-{n}.log", port=port, controller_port=controller,
            data_dir=root / f"kafka-{n}", heap=heap, node_id=n, voters=voters,
            cluster_id=cluster_id, replicas=min(3, nodes),
        )  # fmt: skip
        cluster.append(node)
    return cluster


def start_cluster(cluster: list[Kafka], timeout: float = 180.0) -> str:
    """Launch every node, wait for each; the bootstrap list of them all."""
    for node in cluster:
        node.launch()
    for node in cluster:
        node.started(timeout)
    return ",".join(node.bootstrap for node in cluster)


@dataclass
class Redis(Managed):
    port: int = 6379
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="redis-")))
    appendonly: bool = True

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30.0) -> Redis:
        binary = redis_server_binary()
        require_ports_free({"redis": self.port})
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.data_dir),
                    "--appendonly",
                    "yes" if self.appendonly else "no",
                    "--save",
                    "",
                    "--daemonize",
                    "no",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait(
            lambda: "Ready to accept connections" in self.log.read_text(errors="replace"),
            self.process,
            "Redis",
            self.log,
            timeout,
        )
        return self


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Service(Managed):
    """One of the six services, run as `python -m services.<name>`."""

    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 180.0) -> Service:
        require_ports_free({self.name: self.port})
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "HTTP_HOST": self.host, "HTTP_PORT": str(self.port)}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.name}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait(lambda: http_ok(f"{self.url}/readyz"), self.process, self.name, self.log, timeout)
        return self

    def kill(self) -> None:
        """Hard stop (SIGKILL), for crash tests: nothing gets a chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def service_env(kafka_bootstrap: str, redis_url: str, ports: dict[str, int]) -> dict[str, str]:
    # Everything shares this machine: leave the classifier one core short of all of them, so its
    # inference bursts do not starve ingest and Kafka (on 2 cores, 2 threads made p99 at
    # 100 posts/s swing from 0.7 s to 30 s; 1 thread held it near 1 s).
    threads = os.environ.get("CLASSIFIER_THREADS") or str(max(1, (os.cpu_count() or 2) - 1))
    return {
        # the services' internal APIs admit only this; a new one for every stack unless given
        "INTERNAL_TOKEN": os.environ.get("INTERNAL_TOKEN") or secrets.token_urlsafe(32),
        "CLASSIFIER_THREADS": threads,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "REDIS_URL": redis_url,
        "CLASSIFIER_URL": f"http://127.0.0.1:{ports['classifier']}",
        "INGEST_URL": f"http://127.0.0.1:{ports['ingest']}",
        "PULSE_URL": f"http://127.0.0.1:{ports.get('pulse', 8004)}",
        "OUTREACH_URL": f"http://127.0.0.1:{ports.get('outreach', 8006)}",
        "GATEWAY_URL": f"http://127.0.0.1:{ports['gateway']}",
        "GATEWAY_PUBLIC_URL": f"http://127.0.0.1:{ports['gateway']}",
        # the local stack serves plain HTTP on 127.0.0.1; behind TLS keep the default (true)
        "CONSOLE_COOKIE_SECURE": os.environ.get("CONSOLE_COOKIE_SECURE", "false"),
    }


# ---------------------------------------------------------------- CLI for `make up` / `make down`

RUN_DIR = ROOT / ".run"
STATE = RUN_DIR / "stack.json"


def _ports() -> dict[str, int]:
    env = os.environ
    return {
        "kafka": int(env.get("KAFKA_PORT", 9092)),
        "kafka_controller": int(env.get("KAFKA_CONTROLLER_PORT", 9093)),
        "redis": int(env.get("REDIS_PORT", 6379)),
        "gateway": int(env.get("GATEWAY_PORT", 8000)),
        "ingest": int(env.get("INGEST_PORT", 8001)),
        "classifier": int(env.get("CLASSIFIER_PORT", 8002)),
        "escalation": int(env.get("ESCALATION_PORT", 8003)),
        "pulse": int(env.get("PULSE_PORT", 8004)),
        "desk": int(env.get("DESK_PORT", 8005)),
        "outreach": int(env.get("OUTREACH_PORT", 8006)),
    }


def _alive(pid: int, marker: str) -> bool:
    """Whether `pid` still runs the program we started (a reused pid runs something else)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return marker in cmdline


MARKERS = {
    "kafka": "kafka.Kafka",
    "redis": "redis-server",
    **{s: f"services.{s}" for s in SERVICES},
}


def _recorded() -> tuple[dict[str, int], dict[str, int]]:
    """(pids, ports) of the stack `make up` recorded, if any."""
    if not STATE.exists():
        return {}, {}
    saved = json.loads(STATE.read_text())
    if "pids" not in saved:  # written before ports were recorded
        return saved, {}
    return saved["pids"], saved["ports"]


def up() -> None:
    """Start whatever of the stack is not running; what runs is left alone (so `make up` after
    a crash restarts just the dead part, on the ports it had)."""
    pids, ports = _recorded()
    ports = {**_ports(), **ports}  # a stack recorded before a service was added gets its port
    running = {name for name, pid in pids.items() if pid and _alive(pid, MARKERS[name])}
    owner = {"kafka_controller": "kafka"}  # the port's process
    require_ports_free(
        {name: port for name, port in ports.items() if owner.get(name, name) not in running}
    )
    RUN_DIR.mkdir(exist_ok=True)
    logs = RUN_DIR / "logs"
    started: list[Managed] = []

    def remember(item: Managed) -> None:
        started.append(item)
        pids[item.name] = item.pid or 0
        STATE.write_text(json.dumps({"pids": pids, "ports": ports}, indent=2))

    kafka = Kafka(
        "kafka",
        logs / "kafka.log",
        port=ports["kafka"],
        controller_port=ports["kafka_controller"],
        data_dir=RUN_DIR / "kafka",
    )
    redis = Redis("redis", logs / "redis.log", port=ports["redis"], data_dir=RUN_DIR / "redis")
    env = service_env(kafka.bootstrap, redis.url, ports)
    # classifier first: the gateway's compatibility endpoints call it; the desk calls the gateway
    order: list[Managed] = [kafka, redis] + [
        Service(name, logs / f"{name}.log", port=ports[name], env=env)
        for name in ("classifier", "escalation", "gateway", "desk", "ingest", "pulse", "outreach")
    ]
    try:
        for item in order:
            if item.name in running:
                print(f"{item.name} is already running (pid {pids[item.name]})", flush=True)
                continue
            print(f"starting {item.name} ...", flush=True)
            item.start()
            remember(item)
    except BaseException:
        for item in reversed(started):
            item.stop()
            pids.pop(item.name, None)
        if not running:
            STATE.unlink(missing_ok=True)
        raise
    print("\nmoderation stack is up:")
    for name in ("ingest", "gateway", "desk", "classifier", "escalation", "pulse", "outreach"):
        print(f"  {name:<11} http://127.0.0.1:{ports[name]}   (/docs, /metrics, /healthz, /readyz)")
    print(f"  kafka       127.0.0.1:{ports['kafka']}\n  redis       {redis.url}")
    print(
        f"  console     http://127.0.0.1:{ports['desk']}/console/   (sign in with a moderator token)"
    )
    print(
        "\nevery request needs a key; make one for your platform (printed once):\n"
        "  .venv/bin/python -m services.desk.cli keys create --tenant acme --name forum\n"
        f'  curl -XPOST 127.0.0.1:{ports["ingest"]}/v1/posts -H "authorization: Bearer $KEY" '
        "-H 'content-type: application/json' \\\n"
        '       -d \'{"external_id":"c-1","author_id":"u-1","text":"hello"}\'\n'
        "  a moderator token for the console:\n"
        "  .venv/bin/python -m services.desk.cli moderators create --tenant acme --id alex "
        "--role admin\n"
        "  consumer lag per group and partition: make kafka-groups"
    )
    print(f"logs in {logs}; stop with `make down`.")


def down() -> None:
    if not STATE.exists():
        print("no stack is recorded; nothing to stop.")
        return
    pids, _ = _recorded()
    for name in (
        "ingest",
        "outreach",
        "pulse",
        "desk",
        "gateway",
        "escalation",
        "classifier",
        "redis",
        "kafka",
    ):
        if pids.get(name):
            print(f"stopping {name} (pid {pids[name]}) ...", flush=True)
            _stop_pid(pids[name], timeout=30.0)
    STATE.unlink()
    print("stack stopped.")


KAFKA_TOOLS = {
    "consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "topics": "org.apache.kafka.tools.TopicCommand",
    "console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
}


def kafka_tool(tool: str, args: list[str]) -> int:
    """One of Kafka's own command-line tools, on the local stack's broker (or
    KAFKA_BOOTSTRAP_SERVERS): `python -m deploy.localstack kafka consumer-groups --describe
    --all-groups`."""
    _, ports = _recorded()
    bootstrap = (
        os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or f"127.0.0.1:{(ports or _ports())['kafka']}"
    )
    command = ["java", "-cp", f"{kafka_jars()}/*", KAFKA_TOOLS[tool]]
    return subprocess.run([*command, "--bootstrap-server", bootstrap, *args]).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "install", "kafka"])
    parser.add_argument("tool", nargs="?", choices=sorted(KAFKA_TOOLS), help="for `kafka`")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the tool's own arguments")
    args = parser.parse_args()
    try:
        if args.command == "kafka":
            if not args.tool:
                parser.error(f"kafka needs a tool: {', '.join(sorted(KAFKA_TOOLS))}")
            return kafka_tool(args.tool, args.args)
        {"up": up, "down": down, "install": install}[args.command]()
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
