# Unit tests of K8S-011's severity and message (run by `runeguard test` and tests/policies.rs):
# which host paths are critical.
package runeguard.kubernetes.host_path_volume_test

import data.runeguard.kubernetes.host_path_volume as k8s011
import rego.v1

daemonset(path) := daemonset_with(path, [{"name": "c", "image": "c:1", "volumeMounts": [{"name": "v", "mountPath": "/host"}]}])

daemonset_with(path, containers) := {
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": {"name": "node", "namespace": "storage"},
	"spec": {"template": {"spec": {
		"containers": containers,
		"volumes": [{"name": "v", "hostPath": {"path": path}}],
	}}},
}

finding(path) := f if {
	some f in k8s011.deny with input as daemonset(path)
}

test_the_kubelet_directory_is_critical if {
	finding("/var/lib/kubelet/").severity == "critical"
	contains(finding("/var/lib/kubelet/").msg, "every pod's volumes and secrets")
}

test_the_pods_directory_is_critical if {
	finding("/var/lib/kubelet/pods").severity == "critical"
}

test_the_plugins_directory_is_critical if {
	finding("/var/lib/kubelet/plugins").severity == "critical"
}

# wild20: every CSI driver's node plugin mounts its own socket directory below
# /var/lib/kubelet/plugins and the registration directory; a device plugin, the kubelet's
# device-plugins directory; a metrics agent, the pod-resources socket. None of them holds
# other pods' volumes or secrets: a hostPath (high), not "the kubelet's state" (critical).
test_a_csi_drivers_own_directory_is_not_critical if {
	f := finding("/var/lib/kubelet/plugins/nvmesh-csi.excelero.com/")
	f.severity == "high"
	not contains(f.msg, "critical")
}

test_the_plugin_registration_directory_is_not_critical if {
	finding("/var/lib/kubelet/plugins_registry/").severity == "high"
}

test_the_device_plugins_directory_is_not_critical if {
	finding("/var/lib/kubelet/device-plugins").severity == "high"
}

test_the_pod_resources_socket_is_not_critical if {
	finding("/var/lib/kubelet/pod-resources/kubelet.sock").severity == "high"
}

# The kubelet's own plugin directory holds the staging mounts of every CSI volume.
test_the_csi_staging_directory_is_critical if {
	f := finding("/var/lib/kubelet/plugins/kubernetes.io/csi")
	f.severity == "critical"
	contains(f.msg, "CSI volume")
}

test_a_name_that_only_starts_like_a_narrow_one_is_critical if {
	finding("/var/lib/kubelet/plugins_registry_old").severity == "critical"
}

# wild28: a CSI driver's DaemonSet declared a hostPath volume (/etc/udev/rules.d/) that none of
# its containers mounts; the message claimed a mount.
test_a_volume_no_container_mounts_is_declared_not_mounted if {
	ds := daemonset_with("/etc/udev/rules.d/", [{"name": "c", "image": "c:1"}])
	some f in k8s011.deny with input as ds
	startswith(f.msg, "DaemonSet storage/node declares the host path")
	contains(f.msg, "mounted by no container")
}

test_a_mounted_volume_is_mounted if {
	f := finding("/etc/udev/rules.d/")
	startswith(f.msg, "DaemonSet storage/node mounts the host path")
	not contains(f.msg, "mounted by no container")
}
