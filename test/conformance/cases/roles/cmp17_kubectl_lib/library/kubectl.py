#!/usr/bin/python
# A custom module named like tsplay's kubectl: Ansible runs this one for the roles that load it.
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(state=dict(type='str'), resource_type=dict(type='str')))
    module.exit_json(changed=False, state=module.params['state'])


if __name__ == '__main__':
    main()
