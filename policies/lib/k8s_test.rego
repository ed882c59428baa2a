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

ray := {
	"apiVersion": "ray.io/v1",
	"kind": "RayCluster",
	"metadata": {"name": "x", "namespace": "ml"},
	"spec": {
		"headGroupSpec": {"template": {"spec": {
			"securityContext": {"runAsNonRoot": true},
			"containers": [{"name": "ray-head", "image": "rayproject/ray:2.9.0"}],
		}}},
		"workerGroupSpecs": [
			{"groupName": "small", "template": {"spec": {"containers": [{"name": "ray-worker", "image": "rayproject/ray:2.9.0"}]}}},
			{"template": {"spec": {"containers": [{"name": "ray-worker", "image": "rayproject/ray:2.9.0"}]}}},
		],
	},
}

# Each template of a resource with several is read with its own pod-level settings, and its
# containers are labelled with the template.
test_several_pod_templates_are_read_and_labelled if {
	count(k8s.containers_of(ray)) == 3
	some head in k8s.containers_of(ray)
	head.path == ["spec", "headGroupSpec", "template", "spec", "containers", 0]
	k8s.container_label_of(ray, head) == `RayCluster ml/x, head group, container "ray-head"`
	k8s.effective_security_path_of(ray, head, "runAsNonRoot") == ["spec", "headGroupSpec", "template", "spec", "securityContext", "runAsNonRoot"]
	some small in k8s.containers_of(ray)
	small.path == ["spec", "workerGroupSpecs", 0, "template", "spec", "containers", 0]
	k8s.container_label_of(ray, small) == `RayCluster ml/x, worker group "small", container "ray-worker"`
	not k8s.effective_security_of(ray, small, "runAsNonRoot")
	some unnamed in k8s.containers_of(ray)
	unnamed.path == ["spec", "workerGroupSpecs", 1, "template", "spec", "containers", 0]
	k8s.container_label_of(ray, unnamed) == `RayCluster ml/x, worker group "#2", container "ray-worker"`
}

pytorch := {
	"apiVersion": "kubeflow.org/v1",
	"kind": "PyTorchJob",
	"metadata": {"name": "mnist"},
	"spec": {"pytorchReplicaSpecs": {"Worker": {"template": {"spec": {"containers": [{"name": "pytorch", "image": "p:1"}]}}}}},
}

test_map_of_templates_is_labelled_by_key if {
	some c in k8s.containers_of(pytorch)
	c.path == ["spec", "pytorchReplicaSpecs", "Worker", "template", "spec", "containers", 0]
	k8s.container_label_of(pytorch, c) == `PyTorchJob mnist, replica "Worker", container "pytorch"`
}

# Volcano's Job is not the built-in Job: no pod spec at spec.template.spec.
test_volcano_job_is_not_the_builtin_job if {
	volcano := {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "metadata": {"name": "v"}, "spec": {"tasks": []}}
	not k8s.pod_spec_path_of(volcano)
	not k8s.is_workload_of(volcano)
	k8s.is_workload_of({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}})
}

# Argo merges spec.templateDefaults into each template field by field.
test_argo_template_defaults_are_merged_field_by_field if {
	wf := {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "Workflow",
		"metadata": {"name": "w"},
		"spec": {
			"templateDefaults": {"securityContext": {"runAsNonRoot": true}},
			"templates": [{"name": "b", "securityContext": {"fsGroup": 1}, "container": {"image": "x:1"}}],
		},
	}
	some b in k8s.containers_of(wf)
	b.path == ["spec", "templates", 0, "container"]
	k8s.effective_security_of(wf, b, "runAsNonRoot") == true
}

# A TaskRun's podTemplate securityContext is the pod-level setting of its embedded steps.
test_tekton_run_pod_template_is_the_steps_pod_security if {
	run := {
		"apiVersion": "tekton.dev/v1",
		"kind": "TaskRun",
		"metadata": {"name": "r"},
		"spec": {"podTemplate": {"securityContext": {"runAsUser": 1000}}, "taskSpec": {"steps": [{"name": "s", "image": "x:1"}]}},
	}
	some s in k8s.containers_of(run)
	s.field == "steps"
	k8s.effective_security_of(run, s, "runAsUser") == 1000
	k8s.effective_security_path_of(run, s, "runAsUser") == ["spec", "podTemplate", "securityContext", "runAsUser"]
}

# Argo names a template's container (or script) `main`.
test_argo_main_container_is_labelled_main if {
	some a in k8s.containers_of(workflow)
	a.path == ["spec", "templates", 0, "container"]
	k8s.container_label_of(workflow, a) == `Workflow w, container "main"`
}
