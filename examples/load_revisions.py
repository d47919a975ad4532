#!/usr/bin/env python3
"""Register the incident's task definitions (examples/ecs-revisions, revisions 7 to 13) into an ECS endpoint.

Meant for a local moto_server, so that `envcheck ecs --revision 13` and `envcheck ecs diff 7 8`
can be tried with no AWS account:

    moto_server -H 127.0.0.1 -p 5000 &
    python examples/load_revisions.py --endpoint-url http://127.0.0.1:5000

ECS numbers revisions itself, from 1: six placeholder revisions are registered and deregistered
first, so the reference revisions keep their numbers 7 to 13. Then a cluster and a service
(desiredCount 2) that runs revision 13. An endpoint where the family already has other revisions
is refused (run the script once per fresh moto_server; a second run only checks).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REVISIONS = Path(__file__).resolve().parent / "ecs-revisions"
FAMILY = "myteacher-production-app"
CLUSTER = "myteacher-production-cluster"
SERVICE = "myteacher-production-app-service"
FIRST = 7
# What register_task_definition accepts; describe adds read-only fields (arn, revision, status, ...).
REGISTER_KEYS = {
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
}


def load(directory: Path) -> list[dict]:
    tasks = []
    for path in directory.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        tasks.append(data.get("taskDefinition", data))
    return sorted(tasks, key=lambda task: task["revision"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True, help="ECS endpoint, e.g. http://127.0.0.1:5000")
    parser.add_argument("--region", default="ap-northeast-1")
    args = parser.parse_args()

    import boto3

    session = boto3.Session(region_name=args.region)
    if session.get_credentials() is None:  # a local endpoint accepts any; say so rather than fail
        print("no AWS credentials configured: using dummy ones for the local endpoint", file=sys.stderr)
        session = boto3.Session(region_name=args.region, aws_access_key_id="testing", aws_secret_access_key="testing")
    ecs = session.client("ecs", endpoint_url=args.endpoint_url)

    tasks = load(REVISIONS)
    wanted = [task["revision"] for task in tasks]
    existing = sorted(
        int(arn.rsplit(":", 1)[1])
        for status in ("ACTIVE", "INACTIVE")
        for arn in ecs.list_task_definitions(familyPrefix=FAMILY, status=status)["taskDefinitionArns"]
    )
    if existing and existing[-1] >= wanted[-1] and set(wanted) <= set(existing):
        print(f"{FAMILY}: revisions {wanted[0]}-{wanted[-1]} already registered at {args.endpoint_url}")
    elif existing:
        print(
            f"{FAMILY} already has revisions {existing} at {args.endpoint_url}: use a fresh endpoint",
            file=sys.stderr,
        )
        return 1
    else:
        placeholder = {"name": "app", "image": "placeholder", "essential": True, "memory": 128}
        for _ in range(1, FIRST):
            arn = ecs.register_task_definition(family=FAMILY, containerDefinitions=[placeholder])["taskDefinition"][
                "taskDefinitionArn"
            ]
            ecs.deregister_task_definition(taskDefinition=arn)
        for task in tasks:
            registered = ecs.register_task_definition(**{k: v for k, v in task.items() if k in REGISTER_KEYS})
            got = registered["taskDefinition"]["revision"]
            if got != task["revision"]:
                print(f"registered as revision {got}, expected {task['revision']}", file=sys.stderr)
                return 1
            print(f"registered {FAMILY}:{got}")

    ecs.create_cluster(clusterName=CLUSTER)
    services = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"]
    if not [s for s in services if s.get("status") == "ACTIVE"]:
        ecs.create_service(
            cluster=CLUSTER,
            serviceName=SERVICE,
            taskDefinition=f"{FAMILY}:{wanted[-1]}",
            desiredCount=2,
            launchType="FARGATE",
        )
    print(f"service {SERVICE} in cluster {CLUSTER} runs {FAMILY}:{wanted[-1]} with desiredCount 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
