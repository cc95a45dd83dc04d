"""Tests of scripts/costs on small synthetic plans (the real check is --check against the
emulator's plans of dev and prod; see infra/COSTS.md for the command).

Run: python3 -m unittest discover -s infra/costs   (or pytest infra/costs)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import bill
import plan
import prices
import report
from lines import PricingError, plural

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent.parent / "scripts" / "costs"
TABLE = HERE / "us-east-1.toml"


def resource(address, values, mode="managed"):
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": mode, "type": kind, "name": name.split("[")[0], "values": values}


def plan_document(*resources, data=(), changes=()):
    """A minimal `terraform show -json PLANFILE` with these resources planned."""
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [*resources, *data]}},
        "resource_changes": list(changes),
        "configuration": {"root_module": {"resources": []}},
    }


def state_document(*resources):
    return {"format_version": "1.0", "values": {"root_module": {"resources": list(resources)}}}


def service(name, desired=2, **values):
    return resource(
        f"aws_ecs_service.{name}",
        {
            "name": name,
            "desired_count": desired,
            "launch_type": "FARGATE",
            "task_definition": f"arn:aws:ecs:us-east-1:123456789012:task-definition/{name}:1",
            "network_configuration": [{"assign_public_ip": False}],
            "service_registries": [],
            **values,
        },
    )


def task_definition(name, cpu=256, memory=512, architecture="X86_64"):
    return resource(
        f"aws_ecs_task_definition.{name}",
        {
            "family": name,
            "cpu": str(cpu),
            "memory": str(memory),
            "runtime_platform": [{"cpu_architecture": architecture, "operating_system_family": "LINUX"}],
        },
    )


def database(**values):
    return resource(
        "aws_db_instance.this",
        {
            "identifier": "folio-test",
            "engine": "postgres",
            "engine_version": "15",
            "instance_class": "db.t4g.micro",
            "multi_az": False,
            "storage_type": "gp3",
            "allocated_storage": 20,
            "backup_retention_period": 7,
            "monitoring_interval": 0,
            "manage_master_user_password": False,
            **values,
        },
    )


class Pricing(unittest.TestCase):
    def setUp(self):
        self.table = prices.load(TABLE)

    def price(self, document, label="test"):
        return bill.price(plan.from_document(label, document), self.table)

    def items(self, priced):
        return {line.item: round(line.monthly, 2) for line in priced.lines}

    def test_an_unknown_resource_type_fails_naming_it(self):
        document = plan_document(
            resource("aws_vpc.this", {}), resource("aws_instance.web", {"instance_type": "t4g.nano"})
        )
        with self.assertRaises(PricingError) as raised:
            self.price(document)
        self.assertIn("aws_instance", str(raised.exception))
        self.assertNotIn("aws_vpc", str(raised.exception))

    def test_a_known_type_is_priced_and_a_free_one_is_counted_as_free(self):
        priced = self.price(plan_document(resource("aws_nat_gateway.a", {}), resource("aws_vpc.this", {})))
        self.assertEqual(self.items(priced)["NAT gateway"], round(0.045 * 730, 2))
        self.assertEqual(self.items(priced)["NAT gateway data processed"], round(0.045 * 5, 2))
        self.assertEqual(dict(priced.free), {"aws_vpc": 1})

    def test_a_log_metric_filter_pays_for_the_custom_metric_it_publishes(self):
        document = plan_document(
            resource("aws_cloudwatch_log_metric_filter.db", {"metric_transformation": [{"name": "DatabaseUnavailable"}]})
        )
        self.assertEqual(self.items(self.price(document))["Custom metrics from log metric filters"], 0.30)

    def test_arm64_tasks_on_fargate_spot_with_public_addresses_take_those_prices(self):
        document = plan_document(
            service("site", desired=1, launch_type=None, network_configuration=[{"assign_public_ip": True}]),
            task_definition("site", architecture="ARM64"),
            resource(
                "aws_ecs_cluster.this",
                {"name": "folio", "setting": [{"name": "containerInsights", "value": "disabled"}]},
            ),
            resource(
                "aws_ecs_cluster_capacity_providers.this",
                {
                    "cluster_name": "folio",
                    "default_capacity_provider_strategy": [
                        {"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": 0}
                    ],
                },
            ),
        )
        items = self.items(self.price(document))
        self.assertEqual(items["Fargate vCPU (ARM64, Fargate Spot)"], round(0.25 * 730 * 0.00995, 2))
        self.assertEqual(items["Fargate memory (ARM64, Fargate Spot)"], round(0.5 * 730 * 0.00109, 2))
        self.assertEqual(items["Public IPv4: tasks with a public IP"], round(730 * 0.005, 2))
        self.assertNotIn("Container Insights metrics", items)

    def test_an_auto_scaling_minimum_above_the_desired_count_is_what_runs(self):
        document = plan_document(
            service("api", desired=0),
            task_definition("api"),
            resource(
                "aws_appautoscaling_target.api",
                {"service_namespace": "ecs", "resource_id": "service/folio/api", "min_capacity": 2},
            ),
        )
        lines = [line for line in self.price(document).lines if line.item.startswith("Fargate vCPU")]
        self.assertEqual([line.basis for line in lines], ["api: 2 tasks × 0.25 vCPU × 730 h"])

    def test_container_insights_counts_only_services_with_running_tasks(self):
        cluster = resource(
            "aws_ecs_cluster.this", {"name": "folio", "setting": [{"name": "containerInsights", "value": "enabled"}]}
        )
        running = plan_document(
            cluster, service("site"), task_definition("site"), service("api"), task_definition("api")
        )
        paused = plan_document(
            cluster,
            service("site", desired=0),
            task_definition("site"),
            service("api", desired=0),
            task_definition("api"),
        )
        self.assertEqual(
            self.items(self.price(running))["Container Insights metrics"], round((12 + 2 * 15 + 2 * 10) * 0.30, 2)
        )
        self.assertEqual(self.price(paused).lines, [])

    def test_amp_ingests_every_running_tasks_samples_at_the_workspaces_scrape_interval(self):
        workspace = resource("aws_prometheus_workspace.this", {"alias": "folio", "tags": {"ScrapeIntervalSeconds": "30"}})
        running = plan_document(workspace, service("site"), task_definition("site"), service("api", desired=1),
                                task_definition("api"))
        paused = plan_document(workspace, service("site", desired=0), task_definition("site"))
        samples = 730 * 3600 / 30 * 400 * 3
        items = self.items(self.price(running))
        self.assertEqual(items["AMP samples ingested"], round(samples / 1e7 * 0.90, 2))
        self.assertEqual(items["AMP metric storage"], round(samples * 150 / (730 / 24) * 2 / 1e9 * 0.03, 2))
        self.assertEqual(items["AMP query samples processed"], round(2 * 0.10, 2))
        self.assertEqual(self.price(paused).lines, [])

    def test_a_workspace_without_its_scrape_interval_cannot_be_priced(self):
        with self.assertRaises(PricingError) as raised:
            self.price(plan_document(resource("aws_prometheus_workspace.this", {"alias": "folio"}), service("site"),
                                     task_definition("site")))
        self.assertIn("ScrapeIntervalSeconds", str(raised.exception))

    def test_multi_az_doubles_the_instance_and_storage(self):
        items = self.items(self.price(plan_document(database(multi_az=True, instance_class="db.t4g.small"))))
        self.assertEqual(items["RDS PostgreSQL db.t4g.small, Multi-AZ"], round(0.064 * 730, 2))
        self.assertEqual(items["RDS gp3 storage, Multi-AZ"], round(0.23 * 20, 2))

    def test_an_instance_class_without_a_price_fails_naming_the_key(self):
        with self.assertRaises(PricingError) as raised:
            self.price(plan_document(database(instance_class="db.r7g.16xlarge")))
        self.assertIn("rds_postgres_db_r7g_16xlarge", str(raised.exception))

    def test_a_paused_plan_pays_for_the_snapshot_it_keeps(self):
        kept = resource(
            "data.aws_db_snapshot.latest",
            {"db_snapshot_identifier": "folio-final", "allocated_storage": 20},
            mode="data",
        )
        items = self.items(self.price(plan_document(resource("aws_vpc.this", {}), data=[kept])))
        self.assertEqual(items["RDS backup and snapshot storage"], round(1 * 0.095, 2))

    def test_a_plan_that_deletes_the_database_with_a_final_snapshot_pays_for_it(self):
        change = {
            "address": "aws_db_instance.this",
            "mode": "managed",
            "type": "aws_db_instance",
            "name": "this",
            "change": {
                "actions": ["delete"],
                "before": database(skip_final_snapshot=False, final_snapshot_identifier="folio-test-final")["values"],
            },
        }
        priced = self.price(plan_document(resource("aws_vpc.this", {}), changes=[change]))
        self.assertEqual(self.items(priced)["RDS backup and snapshot storage"], round(0.095, 2))
        self.assertNotIn("RDS PostgreSQL db.t4g.micro, Single-AZ", self.items(priced))

    def test_a_paused_plan_pays_no_log_ingestion_where_nothing_runs_to_write_it(self):
        groups = [
            resource("aws_cloudwatch_log_group.serve", {"name": "/folio-test-serve", "retention_in_days": 30}),
            resource("aws_cloudwatch_log_group.flow", {"name": "/folio-test/vpc-flow-logs", "retention_in_days": 7}),
        ]
        paused = self.price(plan_document(*groups))
        self.assertFalse([line for line in paused.lines if "CloudWatch Logs" in line.item], paused.lines)
        self.assertTrue(any("service logs: nothing writes" in note for note in paused.notes), paused.notes)
        running = self.items(self.price(plan_document(*groups, task_definition("folio-test-serve"), database())))
        self.assertEqual(running["CloudWatch Logs ingestion: service logs"], round(0.5 * 0.50, 2))
        self.assertEqual(running["CloudWatch Logs ingestion: VPC flow logs"], round(1.5 * 0.50, 2))

    def test_the_migrations_log_group_takes_the_one_off_figure(self):
        group = resource("aws_cloudwatch_log_group.migrate", {"name": "/folio-test-migrate", "retention_in_days": 30})
        items = self.items(self.price(plan_document(group, task_definition("folio-test-migrate"))))
        self.assertEqual(items["CloudWatch Logs ingestion: one-off task logs"], round(0.001 * 0.50, 2))

    def test_an_http_api_pays_for_requests_only_while_it_has_routes(self):
        api = resource("aws_apigatewayv2_api.this", {"name": "folio-test", "protocol_type": "HTTP"})
        route = resource("aws_apigatewayv2_route.default", {"route_key": "$default"})
        routed = self.items(self.price(plan_document(api, route)))
        self.assertEqual(routed["API Gateway HTTP API requests"], round(400_000 / 1e6, 2))
        idle = self.price(plan_document(api))
        self.assertNotIn("API Gateway HTTP API requests", self.items(idle))
        self.assertTrue(any("match no route are not billed" in note for note in idle.notes), idle.notes)

    def test_a_log_group_writer_the_table_does_not_know_is_refused(self):
        document = {
            "meta": {"region": "us-east-1", "hours_per_month": 730, "read": prices.datetime.date(2026, 12, 1),
                     "fetched_live": False},
            "assume": {"x": {"value": 1, "unit": "GB", "why": "test"}},
            "log_group": [{"pattern": "^/x", "assume": "x", "label": "x", "written_by": "everyone"}],
        }
        with self.assertRaises(prices.TableError) as raised:
            prices.Table(document, "test.toml")
        self.assertIn("written_by", str(raised.exception))

    def test_a_log_group_no_pattern_matches_fails_naming_it(self):
        group = resource("aws_cloudwatch_log_group.other", {"name": "/somebody-else", "retention_in_days": 7})
        with self.assertRaises(prices.TableError) as raised:
            self.price(plan_document(group))
        self.assertIn("/somebody-else", str(raised.exception))

    def test_a_plan_and_a_state_of_the_same_resources_price_the_same(self):
        resources = [
            service("site"),
            task_definition("site"),
            database(monitoring_interval=60),
            resource(
                "aws_lb.this",
                {"internal": False, "load_balancer_type": "application", "subnets": ["subnet-a", "subnet-b"]},
            ),
        ]
        from_plan, from_state = self.price(plan_document(*resources)), self.price(state_document(*resources))
        self.assertEqual(self.items(from_plan), self.items(from_state))
        self.assertEqual(
            self.items(from_plan)["Public IPv4: internet-facing load balancer, one per AZ"], round(2 * 730 * 0.005, 2)
        )

    def test_the_document_does_not_depend_on_the_order_terraform_writes_resources_in(self):
        resources = [
            resource(
                "aws_vpc_endpoint.s3", {"vpc_endpoint_type": "Gateway", "service_name": "com.amazonaws.us-east-1.s3"}
            ),
            resource("aws_acm_certificate.site", {}),
            resource("aws_nat_gateway.a", {}),
            resource("aws_eip.a", {}),
        ]
        documents = [
            report.render([self.price(plan_document(*order))], self.table, "scripts/costs --write test=PLAN.json")
            for order in (resources, resources[::-1])
        ]
        self.assertEqual(documents[0], documents[1])

    def test_a_task_definition_handed_to_the_service_module_is_found_through_the_module_input(self):
        service_resource = service("api", task_definition=None)
        service_resource["address"], service_resource["name"] = 'module.service["api"].aws_ecs_service.this', "this"
        definition = task_definition("api", cpu=512, memory=1024)
        definition["address"] = 'module.task["api"].aws_ecs_task_definition.this'
        other = task_definition("migrate", cpu=256, memory=512)
        other["address"] = 'module.task["migrate"].aws_ecs_task_definition.this'
        document = plan_document(service_resource, definition, other)
        document["configuration"]["root_module"]["module_calls"] = {
            "service": {
                "expressions": {"task": {"references": ["module.task", "each.key"]}},
                "module": {
                    "resources": [
                        {
                            "mode": "managed",
                            "type": "aws_ecs_service",
                            "name": "this",
                            "expressions": {"task_definition": {"references": ["var.task.arn", "var.task"]}},
                        }
                    ]
                },
            }
        }
        items = self.items(self.price(document))
        self.assertEqual(items["Fargate vCPU (x86, on-demand)"], round(2 * 0.5 * 730 * 0.04048, 2))

    def test_an_unknown_task_definition_arn_is_found_through_the_configuration(self):
        document = plan_document(service("api", task_definition=None), task_definition("api", cpu=512, memory=1024))
        document["resource_changes"] = [
            {
                "address": "aws_ecs_service.api",
                "mode": "managed",
                "change": {"actions": ["create"], "after_unknown": {"task_definition": True}},
            }
        ]
        document["configuration"]["root_module"]["resources"] = [
            {
                "mode": "managed",
                "type": "aws_ecs_service",
                "name": "api",
                "expressions": {
                    "task_definition": {
                        "references": ["aws_ecs_task_definition.api.arn", "aws_ecs_task_definition.api"]
                    }
                },
            }
        ]
        items = self.items(self.price(document))
        self.assertEqual(items["Fargate vCPU (x86, on-demand)"], round(2 * 0.5 * 730 * 0.04048, 2))


class Wording(unittest.TestCase):
    def test_counts_read_as_written(self):
        self.assertEqual(
            [plural(1, "day"), plural(14, "day"), plural(2, "task family"), plural(0.5, "task")],
            ["1 day", "14 days", "2 task families", "0.5 tasks"],
        )


class PriceTable(unittest.TestCase):
    def test_a_price_without_its_page_is_refused_naming_it(self):
        document = {
            "meta": {"region": "us-east-1", "hours_per_month": 730, "read": "x", "fetched_live": False},
            "price": {"nat_gateway_hour": {"usd": 0.045, "per": "hour", "read": prices.datetime.date(2026, 1, 1)}},
        }
        with self.assertRaises(prices.TableError) as raised:
            prices.Table(document, "table.toml")
        self.assertIn("[price.nat_gateway_hour] has no page", str(raised.exception))

    def test_a_type_both_priced_and_free_is_refused(self):
        table = prices.load(TABLE)
        table.free["aws_nat_gateway"] = "wrongly free"
        with self.assertRaises(prices.TableError) as raised:
            bill.price(plan.from_document("test", plan_document()), table)
        self.assertIn("aws_nat_gateway", str(raised.exception))


class CommandLine(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.work = Path(self.directory.name)
        self.plan = self.work / "plan.json"
        self.plan.write_text(json.dumps(plan_document(resource("aws_nat_gateway.a", {}))))
        self.document = self.work / "COSTS.md"
        self.readme = self.work / "README.md"
        self.readme.write_text("# Folio\n\n<!-- costs:begin generated -->\nold\n<!-- costs:end -->\n\nMore.\n")

    def run_costs(self, *args):
        command = [sys.executable, str(SCRIPT), "--document", str(self.document), "--readme", str(self.readme), *args]
        return subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        )

    def test_check_passes_after_write_and_fails_when_the_document_drifts(self):
        self.assertEqual(self.run_costs("--write", f"dev={self.plan}").returncode, 0)
        self.assertEqual(self.run_costs("--check", f"dev={self.plan}").returncode, 0)
        self.document.write_text(self.document.read_text().replace("$32.85", "$30.00"))
        drifted = self.run_costs("--check", f"dev={self.plan}")
        self.assertEqual(drifted.returncode, 1)
        self.assertIn("differs from what the plans give", drifted.stderr)
        self.assertIn("-| NAT gateway | 730 h | $0.045 per NAT gateway-hour | $30.00 |", drifted.stderr)

    def test_the_readme_table_shows_each_profile_running_and_paused_and_is_checked(self):
        self.assertEqual(self.run_costs("--write", f"trial={self.plan}", f"trial-paused={self.plan}").returncode, 0)
        text = self.readme.read_text()
        self.assertIn("| `trial` | $33.08 | $33.08 |", text)
        self.assertNotIn("`trial-paused`", text)
        self.assertTrue(text.startswith("# Folio\n\n<!-- costs:begin generated -->\n| Folio, per month |"), text)
        self.assertTrue(text.endswith("<!-- costs:end -->\n\nMore.\n"), text)
        self.readme.write_text(text.replace("$33.08 |", "$1.00 |", 1))
        drifted = self.run_costs("--check", f"trial={self.plan}", f"trial-paused={self.plan}")
        self.assertEqual(drifted.returncode, 1)
        self.assertIn("README.md differs", drifted.stderr)
        self.readme.write_text("# Folio\n")
        unmarked = self.run_costs("--write", f"dev={self.plan}")
        self.assertEqual(unmarked.returncode, 1)
        self.assertIn("has no cost table between", unmarked.stderr)

    def test_check_fails_when_another_profile_is_added(self):
        self.run_costs("--write", f"dev={self.plan}")
        self.assertEqual(self.run_costs("--check", f"dev={self.plan}", f"personal={self.plan}").returncode, 1)

    def test_a_total_above_its_limit_fails(self):
        over = self.run_costs(f"dev={self.plan}", "--limit", "dev=30")
        self.assertEqual(over.returncode, 1)
        self.assertIn("dev costs $33.08 a month, above its limit of $30.00", over.stderr)
        self.assertEqual(self.run_costs(f"dev={self.plan}", "--limit", "dev=40").returncode, 0)

    def test_an_unknown_type_stops_the_command_naming_it(self):
        self.plan.write_text(json.dumps(plan_document(resource("aws_instance.web", {}))))
        failed = self.run_costs(f"dev={self.plan}")
        self.assertEqual(failed.returncode, 1)
        self.assertIn("aws_instance", failed.stderr)

    def test_bad_labels_and_files_are_refused_with_the_reason(self):
        self.assertIn("label 'Dev'", self.run_costs(f"Dev={self.plan}").stderr)
        self.assertIn("given twice", self.run_costs(f"dev={self.plan}", f"dev={self.plan}").stderr)
        missing = self.run_costs(f"dev={self.work / 'missing.json'}")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("cannot read", missing.stderr)
        self.plan.write_text("{}")
        self.assertIn("not the output of `terraform show -json`", self.run_costs(f"dev={self.plan}").stderr)


if __name__ == "__main__":
    unittest.main()
