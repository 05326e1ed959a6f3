/// The kafka-python checks the tests run (written to a temporary file, run with the venv's Python), each
/// printing one JSON object:
///
/// - `admin BOOTSTRAP cluster|topics|quorum` and `admin BOOTSTRAP configs BROKER_ID KEY,KEY`:
///   `KafkaAdminClient` calls (`describe_cluster`, `describe_topics`, `describe_metadata_quorum`,
///   `describe_configs` of a BROKER resource with `config_filter='all'`).
/// - `raw ADDRESS API VERSION [ARGS]`: one request built and one response decoded by kafka-python's
///   schema-driven codec at an exact version (api: metadata, cluster [ENDPOINT_TYPE [fenced]], quorum,
///   configs TYPE NAME [KEY,KEY]); `_reencoded_equal` says whether kafka-python re-encodes the decoded
///   response to exactly the bytes the simulator sent (no missing, extra or misplaced fields).
enum KafkaPythonScript {
    static let source = #"""
        import json, socket, struct, sys
        from kafka import KafkaAdminClient
        from kafka.admin import ConfigResource, ConfigResourceType
        from kafka.protocol.metadata import MetadataRequest, MetadataResponse
        from kafka.protocol.admin import (DescribeClusterRequest, DescribeClusterResponse, DescribeQuorumRequest,
            DescribeQuorumResponse, DescribeConfigsRequest, DescribeConfigsResponse)

        def out(value):
            print(json.dumps(value, default=str, sort_keys=True))

        def admin(bootstrap, what, args):
            client = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000, client_id='sim-check')
            try:
                if what == 'cluster':
                    out(client.describe_cluster())
                elif what == 'topics':
                    out({'topics': client.describe_topics()})
                elif what == 'quorum':
                    out(client.describe_metadata_quorum())
                elif what == 'configs':
                    keys = args[1].split(',') if len(args) > 1 else None
                    resource = ConfigResource(ConfigResourceType.BROKER, args[0], configs=keys)
                    out(client.describe_configs([resource], config_filter='all'))
                else:
                    raise SystemExit('unknown admin check ' + what)
            finally:
                client.close()

        def recvn(sock, n):
            data = b''
            while len(data) < n:
                chunk = sock.recv(n - len(data))
                if not chunk:
                    raise EOFError('connection closed by the broker')
                data += chunk
            return data

        def raw(address, api, version, args):
            if api == 'metadata':
                request = MetadataRequest(topics=None if version >= 1 else [], allow_auto_topic_creation=False)
                response_class = MetadataResponse
            elif api == 'cluster':
                request = DescribeClusterRequest(include_cluster_authorized_operations=False,
                                                 endpoint_type=int(args[0]) if args else 1,
                                                 include_fenced_brokers=len(args) > 1 and args[1] == 'fenced')
                response_class = DescribeClusterResponse
            elif api == 'quorum':
                topic = DescribeQuorumRequest.TopicData
                request = DescribeQuorumRequest(topics=[topic(topic_name='__cluster_metadata',
                    partitions=[topic.PartitionData(partition_index=0)])])
                response_class = DescribeQuorumResponse
            elif api == 'configs':
                keys = args[2].split(',') if len(args) > 2 else None
                request = DescribeConfigsRequest(resources=[(int(args[0]), args[1], keys)], include_synonyms=version >= 1)
                response_class = DescribeConfigsResponse
            else:
                raise SystemExit('unknown api ' + api)
            request.with_header(correlation_id=4242, client_id='sim-check')
            frame = request.encode(version=version, header=True, framed=True)
            host, port = address.rsplit(':', 1)
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(frame)
            size = struct.unpack('>i', recvn(sock, 4))[0]
            payload = recvn(sock, size)
            sock.close()
            header_length = 5 if response_class.flexible_version_q(version) else 4
            correlation = struct.unpack('>i', payload[:4])[0]
            body = payload[header_length:]
            response = response_class.decode(body, version=version)
            response._header = None
            result = response.to_dict()
            result['_correlation_id'] = correlation
            result['_reencoded_equal'] = bytes(response.encode(version=version)) == body
            out(result)

        if __name__ == '__main__':
            mode = sys.argv[1]
            if mode == 'admin':
                admin(sys.argv[2], sys.argv[3], sys.argv[4:])
            elif mode == 'raw':
                raw(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
            else:
                raise SystemExit('usage: admin|raw ...')
        """#
}
