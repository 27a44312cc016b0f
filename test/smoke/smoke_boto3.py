"""Smoke test: drive a running berth server with the real boto3 and aws CLI.

Run by test/smoke's Go test (go test ./test/smoke), which starts `berth server`
and passes BERTH_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION. Prints one line per check and ends with
'smoke: N passed, M failed'; exits non-zero when anything failed.
"""
import json
import os
import subprocess
import sys
import uuid

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ["BERTH_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def client(secret=None, validate=True):
    return boto3.client(
        "ecs",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ["AWS_SECRET_ACCESS_KEY"],
        config=NO_RETRY.merge(Config(parameter_validation=validate)),
    )


def expect_error(name, code, fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        check(name, got == code, f"got {got}, want {code}")
        return e
    check(name, False, f"got success, want {code}")
    return None


def aws(*args):
    cmd = ["aws", "--endpoint-url", ENDPOINT, "--region", REGION, "--output", "json", "ecs", *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def seed_examples(ecs, cluster):
    """The seeds' own examples: run-task sleep360:1 and start-task on a chosen instance."""
    td = ecs.register_task_definition(
        family="sleep360",
        containerDefinitions=[{"name": "sleep", "image": "busybox", "cpu": 10, "memory": 10,
                               "command": ["sleep", "360"], "essential": True}],
    )["taskDefinition"]
    ref = f"sleep360:{td['revision']}"
    ci = ecs.register_container_instance(
        cluster=cluster,
        totalResources=[
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 3768},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2376", "2375", "51678", "51679"]},
        ],
        versionInfo={"agentVersion": "1.0.0", "dockerVersion": "20.10"},
    )["containerInstance"]
    ci_arn = ci["containerInstanceArn"]

    out = ecs.run_task(cluster=cluster, taskDefinition=ref, count=1)
    task = out["tasks"][0] if out["tasks"] else {}
    check("boto3 run_task sleep360 places one PENDING task",
          len(out["tasks"]) == 1 and out["failures"] == [] and task.get("lastStatus") == "PENDING"
          and task.get("desiredStatus") == "RUNNING" and task.get("containerInstanceArn") == ci_arn, out)
    check("run_task containers carry long-format ARNs",
          task.get("containers", [{}])[0].get("containerArn", "").startswith(f"arn:aws:ecs:{REGION}:") , task.get("containers"))
    check("run_task createdAt is a datetime", hasattr(task.get("createdAt"), "year"), task.get("createdAt"))

    out = ecs.start_task(cluster=cluster, taskDefinition=ref, containerInstances=[ci_arn.split("/")[-1]])
    check("boto3 start_task on a chosen instance",
          len(out["tasks"]) == 1 and out["tasks"][0]["containerInstanceArn"] == ci_arn, out)

    out = ecs.run_task(cluster=cluster, taskDefinition=ref, count=1,
                       overrides={"containerOverrides": [{"name": "sleep", "memory": 999999}]})
    reasons = [f["reason"] for f in out["failures"]]
    check("run_task that cannot fit -> failures RESOURCE:MEMORY with the instance ARN",
          out["tasks"] == [] and reasons == ["RESOURCE:MEMORY"] and out["failures"][0]["arn"] == ci_arn, out)

    expect_error("run_task count 11 -> InvalidParameterException", "InvalidParameterException",
                 lambda: ecs.run_task(cluster=cluster, taskDefinition=ref, count=11))

    # The aws CLI, as the run-task and start-task pages show it.
    rc, stdout, stderr = aws("run-task", "--cluster", cluster, "--task-definition", ref, "--count", "1")
    tasks = json.loads(stdout or "{}").get("tasks", []) if rc == 0 else []
    check("aws ecs run-task --task-definition sleep360:N", rc == 0 and len(tasks) == 1, stderr or stdout)
    rc, stdout, stderr = aws("start-task", "--cluster", cluster, "--task-definition", ref,
                             "--container-instances", ci_arn)
    check("aws ecs start-task --container-instances", rc == 0 and len(json.loads(stdout or "{}").get("tasks", [])) == 1, stderr or stdout)
    if tasks:
        arn = tasks[0]["taskArn"]
        rc, stdout, stderr = aws("stop-task", "--cluster", cluster, "--task", arn, "--reason", "smoke")
        stopped = json.loads(stdout or "{}").get("task", {}) if rc == 0 else {}
        check("aws ecs stop-task", stopped.get("desiredStatus") == "STOPPED" and stopped.get("stoppedReason") == "smoke", stderr or stdout)
    rc, stdout, stderr = aws("list-tasks", "--cluster", cluster)
    check("aws ecs list-tasks", rc == 0 and len(json.loads(stdout or "{}").get("taskArns", [])) == 3, stderr or stdout)


def main():
    ecs = client()
    suffix = uuid.uuid4().hex[:8]
    cluster = f"smoke-{suffix}"

    # The default cluster exists from the first start.
    out = ecs.describe_clusters(clusters=["default"])
    check("default cluster exists", [c["clusterName"] for c in out["clusters"]] == ["default"], out)

    out = ecs.create_cluster(clusterName=cluster, tags=[{"key": "team", "value": "smoke"}])
    arn = out["cluster"]["clusterArn"]
    check("create-cluster returns a long ARN", arn == f"arn:aws:ecs:{REGION}:{arn.split(':')[4]}:cluster/{cluster}", arn)
    check("x-amzn-RequestId header", bool(out["ResponseMetadata"].get("RequestId")), out["ResponseMetadata"])

    names = []
    for page in ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 1}):
        names += page["clusterArns"]
    check("list-clusters paginates", arn in names, names)

    td = ecs.register_task_definition(
        family=f"sleep360-{suffix}",
        containerDefinitions=[{"name": "sleep", "image": "busybox", "cpu": 10, "memory": 10,
                               "command": ["sleep", "360"], "essential": True}],
    )["taskDefinition"]
    check("register-task-definition revision 1", td["revision"] == 1, td)
    check("registeredAt is a datetime", hasattr(td.get("registeredAt"), "year"), td.get("registeredAt"))

    got = ecs.describe_task_definition(taskDefinition=f"sleep360-{suffix}:1")["taskDefinition"]
    check("describe-task-definition family:rev", got["taskDefinitionArn"] == td["taskDefinitionArn"], got)

    expect_error("unknown cluster -> ClusterNotFoundException", "ClusterNotFoundException",
                 lambda: ecs.list_container_instances(cluster=f"nope-{suffix}"))
    expect_error("server-side model validation -> InvalidParameterException", "InvalidParameterException",
                 lambda: client(validate=False).describe_task_definition())
    expect_error("wrong secret -> InvalidSignatureException", "InvalidSignatureException",
                 lambda: client(secret="not-the-secret").list_clusters())

    # The aws CLI against the same server.
    rc, stdout, stderr = aws("list-task-definitions", "--family-prefix", f"sleep360-{suffix}")
    check("aws ecs list-task-definitions", rc == 0 and td["taskDefinitionArn"] in json.loads(stdout or "{}").get("taskDefinitionArns", []), stderr or stdout)
    rc, stdout, stderr = aws("describe-clusters", "--clusters", cluster, "--include", "TAGS")
    tags = json.loads(stdout or "{}").get("clusters", [{}])[0].get("tags") if rc == 0 else None
    check("aws ecs describe-clusters --include TAGS", tags == [{"key": "team", "value": "smoke"}], stderr or stdout)
    rc, _, stderr = aws("describe-task-definition", "--task-definition", f"nope-{suffix}")
    # aws CLI v2 exits 254 on a service error, v1 (Debian's awscli) 255.
    check("aws CLI service error names the exception", rc in (254, 255) and "(ClientException)" in stderr, f"rc={rc} {stderr}")

    seed_examples(ecs, cluster)

    print(f"smoke: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
