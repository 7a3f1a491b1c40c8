<h1>{{GATEWAY_TITLE}}</h1>
<p>image tag {{multiarch.tag}}</p>
