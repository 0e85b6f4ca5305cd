"""Checks a CloudFormation template against AWS's resource specification
(the CloudFormation Resource Specification JSON that npm's @aws-cdk/cfnspec
carries, pinned in tests/servers/package.json): every resource type exists,
every property exists for its type with the right shape, every required
property is set, every Fn::GetAtt and ${Resource.Attribute} names a real
attribute, and every Ref, ${Name}, Condition and DependsOn resolves.

    problems(template) → a list of messages naming where each is; [] if none
"""

import json
import os
import re

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "servers", "node_modules", "@aws-cdk", "cfnspec",
                    "spec", "specification.json")
PSEUDO = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
          "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
RESOURCE_KEYS = {"Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy",
                 "Metadata", "CreationPolicy", "UpdatePolicy"}
TOP_KEYS = {"AWSTemplateFormatVersion", "Description", "Transform", "Parameters", "Conditions", "Resources",
            "Outputs", "Mappings", "Metadata", "Rules"}
PRIMITIVES = {"String": (str,), "Integer": (int,), "Long": (int,), "Double": (int, float), "Boolean": (bool,),
              "Timestamp": (str,), "Json": (dict, list)}

_spec = None


def spec():
    global _spec
    if _spec is None:
        with open(SPEC) as f:
            _spec = json.load(f)
    return _spec


def is_intrinsic(value):
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in {
        "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::ImportValue",
        "Fn::FindInMap", "Fn::GetAZs", "Fn::Base64", "Fn::Cidr"}


class Checker:
    def __init__(self, template):
        self.template = template
        self.problems = []
        self.resources = template.get("Resources", {})
        self.parameters = template.get("Parameters", {})
        self.conditions = template.get("Conditions", {})

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check_ref(self, where, name):
        if name not in self.parameters and name not in self.resources and name not in PSEUDO:
            self.fail(where, f"Ref {name!r} names no parameter, resource or pseudo parameter")

    def check_attribute(self, where, resource, attribute):
        if resource not in self.resources:
            self.fail(where, f"Fn::GetAtt names no resource {resource!r}")
            return
        kind = self.resources[resource].get("Type")
        attributes = spec()["ResourceTypes"].get(kind, {}).get("Attributes", {})
        if attribute not in attributes:
            self.fail(where, f"{kind} has no attribute {attribute!r} (it has {sorted(attributes)})")

    def check_intrinsics(self, where, value):
        """Every reference inside @value resolves."""
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.check_intrinsics(f"{where}[{i}]", item)
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if key == "Ref":
                self.check_ref(where, item)
            elif key == "Fn::GetAtt":
                parts = item if isinstance(item, list) else item.split(".", 1)
                self.check_attribute(where, parts[0], parts[1])
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                    if "." in name and not name.startswith("AWS::"):
                        self.check_attribute(where, *name.split(".", 1))
                    else:
                        self.check_ref(where, name)
            elif key == "Fn::If":
                if item[0] not in self.conditions:
                    self.fail(where, f"Fn::If names no condition {item[0]!r}")
                self.check_intrinsics(where, item[1:])
            else:
                self.check_intrinsics(f"{where}.{key}", item)

    def property_spec(self, resource_type, type_name):
        specification = spec()["PropertyTypes"]
        return specification.get(f"{resource_type}.{type_name}") or specification.get(type_name)

    def check_value(self, where, resource_type, definition, value):
        if is_intrinsic(value):
            return
        if "PrimitiveType" in definition:
            wanted = PRIMITIVES[definition["PrimitiveType"]]
            # CloudFormation takes numbers and booleans written as strings too.
            if not isinstance(value, wanted) and not (isinstance(value, str) and definition["PrimitiveType"] != "Json"):
                self.fail(where, f"is {type(value).__name__}, the spec says {definition['PrimitiveType']}")
            return
        kind = definition.get("Type")
        if kind in ("List", "Map"):
            items = value if kind == "List" else value.values() if isinstance(value, dict) else None
            if items is None or (kind == "List" and not isinstance(value, list)):
                self.fail(where, f"is {type(value).__name__}, the spec says {kind}")
                return
            item_definition = ({"PrimitiveType": definition["PrimitiveItemType"]} if "PrimitiveItemType" in definition
                               else {"Type": definition.get("ItemType")})
            for i, item in enumerate(items):
                self.check_value(f"{where}[{i}]", resource_type, item_definition, item)
            return
        nested = self.property_spec(resource_type, kind)
        if nested is None:
            self.fail(where, f"the spec has no property type {kind!r}")
        elif not isinstance(value, dict):
            self.fail(where, f"is {type(value).__name__}, the spec says {kind}")
        else:
            self.check_properties(where, resource_type, nested.get("Properties", {}), value)

    def check_properties(self, where, resource_type, definitions, values):
        for name, value in values.items():
            if name not in definitions:
                self.fail(f"{where}.{name}", f"is not a property (known: {sorted(definitions)})")
            else:
                self.check_value(f"{where}.{name}", resource_type, definitions[name], value)
        for name, definition in definitions.items():
            if definition.get("Required") and name not in values:
                self.fail(where, f"the required property {name} is not set")

    def run(self):
        for key in self.template:
            if key not in TOP_KEYS:
                self.fail(key, "is not a template section")
        for name, resource in self.resources.items():
            where = f"Resources.{name}"
            kind = resource.get("Type")
            definition = spec()["ResourceTypes"].get(kind)
            for key in resource:
                if key not in RESOURCE_KEYS:
                    self.fail(where, f"{key!r} is not a resource attribute")
            if definition is None:
                self.fail(where, f"no resource type {kind!r} in the specification")
                continue
            self.check_properties(f"{where}.Properties", kind, definition.get("Properties", {}),
                                  resource.get("Properties", {}))
            depends = resource.get("DependsOn", [])
            for other in [depends] if isinstance(depends, str) else depends:
                if other not in self.resources:
                    self.fail(where, f"DependsOn names no resource {other!r}")
            if "Condition" in resource and resource["Condition"] not in self.conditions:
                self.fail(where, f"Condition names no condition {resource['Condition']!r}")
            for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
                value = resource.get(policy)
                if isinstance(value, dict) and "AWS::LanguageExtensions" not in str(self.template.get("Transform")):
                    self.fail(where, f"{policy} is a function without the AWS::LanguageExtensions transform")
            self.check_intrinsics(where, {k: v for k, v in resource.items() if k != "Type"})
        for name, parameter in self.parameters.items():
            if parameter.get("Type") not in ("String", "Number", "CommaDelimitedList", "List<Number>"):
                self.fail(f"Parameters.{name}", f"unexpected type {parameter.get('Type')!r}")
        self.check_intrinsics("Conditions", self.conditions)
        self.check_intrinsics("Outputs", self.template.get("Outputs", {}))
        return self.problems


def problems(template):
    return Checker(template).run()
