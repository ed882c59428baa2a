# Unit tests of the Kubernetes helpers (run by `runeguard test`).
package runeguard.lib.k8s_test

import data.runeguard.lib.k8s
import rego.v1

test_generate_name_labels_the_object if {
	k8s.label_of({"kind": "Workflow", "metadata": {"generateName": "scan-", "namespace": "ci"}}) == "Workflow ci/scan-*"
	k8s.label_of({"kind": "PipelineRun", "metadata": {"generateName": "build-"}}) == "PipelineRun build-*"
	k8s.label_of({"kind": "Pod", "metadata": {"name": "web", "generateName": "web-"}}) == "Pod web"
	k8s.label_of({"kind": "Pod", "metadata": {}}) == "Pod <unnamed>"
}

workflow := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Workflow",
	"metadata": {"name": "w"},
	"spec": {
		"securityContext": {"runAsNonRoot": true},
		"templates": [
			{"name": "a", "container": {"image": "x:1"}},
			{"name": "b", "securityContext": {"fsGroup": 1}, "container": {"image": "x:1"}},
		],
	},
}

# Argo replaces the workflow's securityContext with the template's as a whole.
test_argo_template_security_context_replaces_the_workflow_one if {
	some a in k8s.containers_of(workflow)
	a.path == ["spec", "templates", 0, "container"]
	k8s.effective_security_of(workflow, a, "runAsNonRoot") == true
	k8s.effective_security_path_of(workflow, a, "runAsNonRoot") == ["spec", "securityContext", "runAsNonRoot"]
	some b in k8s.containers_of(workflow)
	b.path == ["spec", "templates", 1, "container"]
	not k8s.effective_security_of(workflow, b, "runAsNonRoot")
}

pipeline := {
	"apiVersion": "tekton.dev/v1",
	"kind": "Pipeline",
	"metadata": {"name": "ci", "namespace": "build"},
	"spec": {"tasks": [{"name": "compile", "taskSpec": {"steps": [{"name": "make", "image": "gcc:14"}]}}]},
}

test_pipeline_steps_are_labelled_with_their_task if {
	some c in k8s.containers_of(pipeline)
	k8s.container_label_of(pipeline, c) == `Pipeline build/ci, task "compile", step "make"`
}
