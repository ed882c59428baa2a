# Unit tests of the Kubernetes credential readings (run by `runeguard test`): where the first
# credential setting of an embedded file is, as a finding's `part` (session fid37).
package runeguard.lib.k8s_credentials_test

import data.runeguard.lib.k8s_credentials as cred
import rego.v1

# A setting starting a line: the characters of its value.
test_embedded_part_of_a_line_setting if {
	v := "server:\n  host: 0.0.0.0\ndb:\n  password: Kq9-dash-Pw4x\n"
	cred.embedded_part(v) == {"part": [40, 53]}
	substring(v, 40, 13) == "Kq9-dash-Pw4x"
}

# A setting after the `{` or `,` of an object written on one line.
test_embedded_part_inside_a_one_line_object if {
	v := "{\n  \"Smtp\": { \"Host\": \"smtp\", \"Password\": \"Smtp-Pa55-Word9\" }\n}"
	p := cred.embedded_part(v).part
	substring(v, p[0], p[1] - p[0]) == "Smtp-Pa55-Word9"
	cred.embedded_settings(v) == {"Password"}
}

# No credential setting, one line, or a value that is a nested collection: no part.
test_no_embedded_part if {
	cred.embedded_part("a: 1\nb: 2\n") == {}
	cred.embedded_part("password: Kq9-dash-Pw4x") == {}
	cred.embedded_settings("spring:\n  password: '{cipher}AQBxq2mWm9nZ0Jf3kT8v'\n") == set()
}
