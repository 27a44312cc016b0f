"""Parse recorded berth error responses with botocore's own parser.

Reads a JSON list of {"case", "status", "headers", "body"} from the file
named on the command line, parses each as botocore parses an ECS RunTask
response (the awsJson1_1 protocol the ECS model declares) and prints a JSON
list of {"case", "code", "message", "status"} in the same order.
"""
import json
import sys

import botocore.session
from botocore import parsers


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        responses = json.load(f)
    model = botocore.session.get_session().get_service_model("ecs")
    operation = model.operation_model("RunTask")
    parser = parsers.create_parser(model.metadata["protocol"])
    out = []
    for r in responses:
        parsed = parser.parse(
            {
                "status_code": r["status"],
                "headers": {k.lower(): v for k, v in r["headers"].items()},
                "body": r["body"].encode("utf-8"),
            },
            operation.output_shape,
        )
        err = parsed.get("Error", {})
        out.append({
            "case": r["case"],
            "code": err.get("Code", ""),
            "message": err.get("Message", ""),
            "status": parsed.get("ResponseMetadata", {}).get("HTTPStatusCode", 0),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
